from django.contrib import admin
from django.db import models

from clinic.forms import ClinicAdminForm
from clinic.models import Clinic


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    form = ClinicAdminForm
    list_display = ["name", "slug", "phone", "is_default"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "is_default", "language"]}),
        ("Branding", {"fields": ["logo", "logo_alt_text", "primary_colour", "accent_colour"]}),
        ("Contact", {"fields": ["address", "phone", "email", "website", "urgent_care_advice"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)
