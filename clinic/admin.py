from django.conf import settings
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy

from clinic.forms import ClinicAdminForm, advice_field_name, clinic_admin_form
from clinic.models import Clinic


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    form = ClinicAdminForm
    list_display = ["name", "slug", "phone", "is_default"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    CONTACT = gettext_lazy("Contact and urgent-care advice")
    fieldsets = [
        (None, {"fields": ["name", "slug", "is_default", "language"]}),
        (gettext_lazy("Branding"), {"fields": ["logo", "logo_alt_text", "primary_colour", "accent_colour"]}),
        (CONTACT, {"fields": ["address", "phone", "email", "website", "urgent_care_advice"]}),
    ]

    @staticmethod
    def _languages() -> list[str]:
        """Every configured language gets a field for its own urgent-care advice (whatever the clinic's default
        language, so that changing the default loses nothing)."""
        return [code for code, _name in settings.LANGUAGES]

    def get_fieldsets(self, request, obj=None):
        """The fieldsets above, with the urgent-care advice in each language under CONTACT."""
        advice = [advice_field_name(code) for code in self._languages()]
        fieldsets = []
        for name, options in self.fieldsets:
            fields = [*options["fields"], *advice] if name == self.CONTACT else options["fields"]
            fieldsets.append((name, {**options, "fields": fields}))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = clinic_admin_form(languages=self._languages())
        return super().get_form(request, obj, change=change, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)
