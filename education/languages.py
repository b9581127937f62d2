"""Which language a patient reads in: the link's ?lang=, else the browser's Accept-Language, else the
clinic's default. Unknown or malformed codes are ignored, never an error."""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.translation import get_language, get_language_info, get_supported_language_variant
from django.utils.translation.trans_real import parse_accept_lang_header

_CODE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?$")


def supported_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def supported(code: str | None) -> str | None:
    """The supported language for a code such as 'fr', 'FR' or 'fr-CA'; None if we do not offer it."""
    if not code or not _CODE.match(code):
        return None
    code = code.replace("_", "-").lower()
    codes = supported_codes()
    if code in codes:
        return code
    base = code.split("-")[0]
    return base if base in codes else None


def from_accept_language(header: str) -> str | None:
    for accepted, _quality in parse_accept_lang_header(header or "")[:20]:
        if accepted == "*":
            break
        try:
            variant = get_supported_language_variant(accepted)
        except LookupError:
            continue
        if variant in supported_codes():
            return variant
        base = supported(variant)
        if base:
            return base
    return None


def negotiate(request, *, clinic=None) -> tuple[str, str]:
    """(language, how it was chosen: 'link', 'browser' or 'default')."""
    asked = supported(request.GET.get("lang"))
    if asked:
        return asked, "link"
    browser = from_accept_language(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
    if browser:
        return browser, "browser"
    default = supported(getattr(clinic, "language", None)) or supported(settings.LANGUAGE_CODE) or "en"
    return default, "default"


def fallback_order(*, wanted: str, clinic=None) -> list[str]:
    """Languages to try, in order, when a leaflet is not available in the one wanted."""
    order = [wanted, getattr(clinic, "language", None), settings.LANGUAGE_CODE, *supported_codes()]
    seen: list[str] = []
    for code in order:
        if code and code not in seen:
            seen.append(code)
    return seen


def name(code: str) -> str:
    """A language's name in that language ('Français'), for language switches: each reader finds their own."""
    try:
        return get_language_info(code)["name_local"].capitalize()
    except KeyError:
        return code


# Languages that write the names of languages in lower case inside a sentence ("en anglais", "en español"...);
# Django's catalogues give them capitalised, as list labels.
LOWER_CASE_LANGUAGE_NAMES = frozenset(
    {"ca", "cs", "da", "es", "fi", "fr", "it", "nb", "nl", "nn", "pl", "pt", "ro", "ru", "sk", "sl", "sv", "uk"}
)


def name_in_current_language(code: str) -> str:
    """A language's name in the language of the page, as written inside a sentence: 'English' on an English
    page, 'anglais' on a French one."""
    try:
        translated = str(get_language_info(code)["name_translated"])
    except KeyError:
        return code
    current = (get_language() or "").split("-")[0]
    return translated.lower() if current in LOWER_CASE_LANGUAGE_NAMES else translated
