import logging

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminFileWidget, AdminTextareaWidget
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinic.images import sanitise_logo
from clinic.models import MAX_ADVICE_CHARS, Clinic
from clinic.storage import STORAGE_ERRORS, storage_failure_message

logger = logging.getLogger(__name__)


def clinic_formfield(db_field: models.Field, **kwargs) -> forms.Field | None:
    """A clinic's website without a scheme is read as https:// (Django 6's default, chosen now)."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class ClinicAdminForm(forms.ModelForm):
    """The clinic in the admin. A new logo is checked and re-encoded (clinic.images) before it is stored.

    The new logo is stored as the last step of validation, once everything else in the form is valid, so a
    storage that refuses it (a full disk) is one more form error: the page shows why, and nothing of the form
    is saved. (Saving the model would store it just the same, but too late for the admin to show the form.)
    """

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "language" in self.fields:  # a list of the configured languages, not a free-text code
            model_field = Clinic._meta.get_field("language")
            self.fields["language"] = forms.TypedChoiceField(
                label=model_field.verbose_name,
                help_text=model_field.help_text,
                choices=[(code, name) for code, name in settings.LANGUAGES],
                initial=self.instance.language or settings.LANGUAGE_CODE,
            )
        translations = self.instance.urgent_care_advice_translations or {}
        for code, name in self.advice_fields().items():
            self.fields[name].initial = translations.get(code, "")

    @classmethod
    def advice_fields(cls) -> dict[str, str]:
        """{language code: form field name} of the urgent-care advice fields this form class has."""
        return {
            code: advice_field_name(code)
            for code, _name in settings.LANGUAGES
            if advice_field_name(code) in cls.base_fields
        }

    def clean(self):
        cleaned = super().clean()
        fields = self.advice_fields()
        if fields:
            # The advice written for each language; an emptied field falls back to the main advice. Entries
            # for languages no longer configured are kept (they do no harm and come back with the language).
            translations = {
                code: text
                for code, text in (self.instance.urgent_care_advice_translations or {}).items()
                if code not in fields
            }
            for code, name in fields.items():
                text = (cleaned.get(name) or "").strip()
                if text:
                    translations[code] = text
            self.instance.urgent_care_advice_translations = translations
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        if not self.errors:
            self._store_new_logo()

    def _store_new_logo(self) -> None:
        logo = self.instance.logo
        if not logo or logo._committed:  # unchanged, cleared or none
            return
        try:
            logo.save(logo.name, logo.file, save=False)
        except STORAGE_ERRORS as error:
            # The file's name and the error, never its content. The storage left no partial file.
            logger.error("Could not store the logo %r of clinic %r: %s", logo.name, self.instance.slug, error)
            self.add_error("logo", storage_failure_message(error))

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            return sanitise_logo(logo)
        return logo  # unchanged (the stored file), cleared (False) or none


def advice_field_name(code: str) -> str:
    return "urgent_care_advice_in_" + code.replace("-", "_")


def clinic_admin_form(*, languages: list[str]) -> type[ClinicAdminForm]:
    """ClinicAdminForm with one "urgent-care advice in <language>" field for each of `languages`."""
    from education.languages import name_in_current_language

    attrs = {
        advice_field_name(code): forms.CharField(
            label=gettext("Urgent-care advice in %(language)s") % {"language": name_in_current_language(code)},
            required=False,
            max_length=MAX_ADVICE_CHARS,
            strip=True,
            widget=AdminTextareaWidget(attrs={"rows": 4, "lang": code}),
            help_text=gettext("Shown beside leaflets in this language. Empty: the urgent-care advice above."),
        )
        for code in languages
    }
    return type("ClinicAdminForm", (ClinicAdminForm,), attrs)
