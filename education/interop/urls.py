"""Addresses for record systems: HL7 Infobutton (MedlinePlus Connect-compatible) and FHIR R4, read-only."""

from django.urls import path

from education.interop import fhir, infobutton

app_name = "interop"
urlpatterns = [
    path("infobutton/service", infobutton.service, name="infobutton_service"),
    path("infobutton/application", infobutton.application, name="infobutton_application"),
    path("fhir/metadata", fhir.metadata, name="fhir_metadata"),
    path("fhir/DocumentReference", fhir.document_search, name="fhir_document_search"),
    path("fhir/DocumentReference/<str:resource_id>", fhir.document_read, name="fhir_document_read"),
]
