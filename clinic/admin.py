from django.contrib import admin

from clinic.models import Clinic


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "phone", "is_default"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "is_default"]}),
        ("Branding", {"fields": ["logo", "logo_alt_text", "primary_colour", "accent_colour"]}),
        ("Contact", {"fields": ["address", "phone", "email", "website", "urgent_care_advice"]}),
    ]
