"""The clinic's identity: name, logo, colours and contact details used on patient pages and handouts."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clinic.text import validate_one_line

HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB, for example #0b5394."))
# WCAG 2.2 AA asks 4.5:1 for normal text. Clinic colours are used for text on white and for white text
# on the colour, so both must hold; with white fixed these are the same ratio.
MIN_CONTRAST = 4.5


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of a #RRGGBB colour."""

    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_with_white(colour: str) -> float:
    return 1.05 / (relative_luminance(colour) + 0.05)


def validate_contrast_with_white(colour: str) -> None:
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour or ""):
        return  # the format validator reports this
    ratio = contrast_with_white(colour)
    if ratio < MIN_CONTRAST:
        raise ValidationError(
            _(
                "%(colour)s has a contrast of %(ratio).1f:1 with white; patients with poor eyesight need at "
                "least 4.5:1. Choose a darker colour."
            ),
            params={"colour": colour, "ratio": ratio},
            code="low_contrast",
        )


MAX_ADVICE_CHARS = 600


LANGUAGE_CODE_PATTERN = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})?$")


def validate_advice_translations(value) -> None:
    """{language code: advice}: codes such as 'fr' or 'pt-br' (a language switched off later keeps its text),
    each a text of at most MAX_ADVICE_CHARS."""
    if not isinstance(value, dict):
        raise ValidationError(_("Give the translated advice as {language code: text}."), code="not_a_mapping")
    for code, text in value.items():
        if not LANGUAGE_CODE_PATTERN.match(code):
            raise ValidationError(
                _("%(code)s is not a language code such as fr or pt-br.") % {"code": code[:20]},
                code="bad_language_code",
            )
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_ADVICE_CHARS:
            raise ValidationError(
                _("The advice in %(code)s must be a text of 1 to %(limit)d characters.")
                % {"code": code, "limit": MAX_ADVICE_CHARS},
                code="bad_advice",
            )


class Clinic(models.Model):
    name = models.CharField(_("name"), max_length=120, validators=[validate_one_line])
    slug = models.SlugField(_("short name in links"), max_length=60, unique=True)
    logo = models.ImageField(_("logo"), upload_to="clinic-logos/", blank=True)
    logo_alt_text = models.CharField(
        _("logo description"),
        max_length=200,
        blank=True,
        help_text=_("Read aloud to patients who use a screen reader. Leave empty to use the clinic name."),
    )
    primary_colour = models.CharField(
        _("primary colour"),
        max_length=7,
        default="#0b5394",
        validators=[HEX_COLOUR, validate_contrast_with_white],
        help_text=_("Headings and the header bar. Must be dark enough to read on white (4.5:1)."),
    )
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        default="#8a3b12",
        validators=[HEX_COLOUR, validate_contrast_with_white],
        help_text=_("Links and highlights. Must be dark enough to read on white (4.5:1)."),
    )
    address = models.TextField(_("address"), max_length=500, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    urgent_care_advice = models.TextField(
        _("urgent-care advice"),
        max_length=MAX_ADVICE_CHARS,
        blank=True,
        help_text=_(
            "What a patient should do out of hours or in an emergency, e.g. 'Call 111, or 999 in an emergency.' "
            "Shown beside leaflets in any language the clinic has not written its own advice for (below)."
        ),
    )
    urgent_care_advice_translations = models.JSONField(
        _("urgent-care advice in other languages"),
        default=dict,
        blank=True,
        validators=[validate_advice_translations],
        help_text=_("The advice written for leaflets in each language: {language code: text}."),
    )
    language = models.CharField(
        _("default language"),
        max_length=10,
        default="en",
        help_text=_("Leaflets open in this language when the patient's link and browser do not ask for another."),
    )
    is_default = models.BooleanField(
        _("default clinic"), default=False, help_text=_("Used when a link or handout does not name a clinic.")
    )

    class Meta:
        verbose_name = _("clinic")
        verbose_name_plural = _("clinics")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="clinic_one_default"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from django.conf import settings

        codes = [code for code, _name in settings.LANGUAGES]
        if self.language not in codes:
            raise ValidationError({"language": _("Choose one of: %(codes)s.") % {"codes": ", ".join(codes)}})

    def urgent_care_advice_in(self, language: str) -> str:
        """The urgent-care advice to print beside a leaflet in `language`: the text the clinic wrote for that
        language, otherwise the main advice (better than none)."""
        translations = self.urgent_care_advice_translations or {}
        if isinstance(translations, dict) and translations.get(language):
            return translations[language]
        return self.urgent_care_advice

    @property
    def logo_description(self) -> str:
        return self.logo_alt_text or str(_("%(name)s logo") % {"name": self.name})
