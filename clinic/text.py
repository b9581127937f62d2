"""Rules for the text people type, shared by the clinic and the leaflet apps.

Unicode's bidirectional controls (RLO and friends) can make a name or title display differently from what is
stored ("txt.exe" shown as "exe.txt"): they are removed from every text field before it is saved. Control
characters (line breaks among them) are refused where a value ends up in an email header or on one line.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# LRE, RLE, PDF, LRO, RLO (U+202A-202E), LRI, RLI, FSI, PDI (U+2066-2069), LRM, RLM (U+200E-200F), ALM (U+061C).
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def without_bidi_controls(text: str) -> str:
    return BIDI_CONTROLS.sub("", text)


def strip_bidi_controls(sender, instance, raw=False, **kwargs) -> None:
    """pre_save receiver: remove bidirectional controls from every text field of the instance."""
    if raw:  # fixtures and imports keep what they hold; the import checks its own data
        return
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            if isinstance(value, str) and BIDI_CONTROLS.search(value):
                setattr(instance, field.attname, without_bidi_controls(value))


def validate_one_line(value: str) -> None:
    """Refuse control characters (line breaks, tabs, escapes) in a value that must stay on one line."""
    if CONTROL_CHARACTERS.search(value or ""):
        raise ValidationError(
            _("Use letters, numbers and punctuation only: no line breaks or other control characters."),
            code="control_characters",
        )
