from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils.translation import gettext_lazy as _

from clinic.images import sanitise_logo
from clinic.models import Clinic


def clinic_formfield(db_field: models.Field, **kwargs) -> forms.Field | None:
    """A clinic's website without a scheme is read as https:// (Django 6's default, chosen now)."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class ClinicAdminForm(forms.ModelForm):
    """The clinic in the admin. A new logo is checked and re-encoded (clinic.images) before it is stored."""

    # A plain file field: the image checks, with their clear messages, are all in sanitise_logo.
    logo = forms.FileField(
        label=_("logo"),
        required=False,
        widget=AdminFileWidget(attrs={"accept": "image/png,image/jpeg"}),
        help_text=_("PNG or JPEG, at most 2 MB and 4000 x 4000 pixels. It is re-encoded when you save."),
    )

    class Meta:
        model = Clinic
        formfield_callback = clinic_formfield
        fields = [
            "name", "slug", "is_default", "language", "logo", "logo_alt_text", "primary_colour", "accent_colour", "address",
            "phone", "email", "website", "urgent_care_advice",
        ]  # fmt: skip

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            return sanitise_logo(logo)
        return logo  # unchanged (the stored file), cleared (False) or none
