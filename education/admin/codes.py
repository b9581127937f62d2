"""Diagnosis codes, edited on the leaflet's page: saved through `services.leaflet_codes_set`, which records
each change."""

from __future__ import annotations

from django.contrib import admin

from education import services
from education.models import LeafletCode


class LeafletCodeInline(admin.TabularInline):
    model = LeafletCode
    fields = ["system", "code", "display"]
    extra = 1
    max_num = services.MAX_CODES

    # Codes are one of the leaflet's details: whoever may change the leaflet may change its codes.
    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("education.view_leaflet") or request.user.has_perm("education.change_leaflet")

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("education.change_leaflet")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("education.change_leaflet")

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("education.change_leaflet")


def save_codes(*, request, leaflet, formset) -> None:
    """The formset's codes (those not marked for deletion) become the leaflet's codes, through the service."""
    wanted = [
        services.CodeData(form.cleaned_data["system"], form.cleaned_data["code"], form.cleaned_data.get("display", ""))
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("code")
    ]
    services.leaflet_codes_set(leaflet=leaflet, user=request.user, wanted=wanted)
    # The admin's own change message reads these; the service's detail change is the record that counts.
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
