"""Reading a record system's query string strictly: a bad value is a 400 that names its parameter."""

from __future__ import annotations

import datetime
import re

from django.http import QueryDict
from django.utils import timezone

MAX_VALUE_LENGTH = 200
# Printable characters only: no control characters (not allowed in XML 1.0, nor wanted in logs).
_PRINTABLE = re.compile(r"^[^\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]*$")
SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,60}$")  # a clinic's or leaflet's address as asked for (checked before any query)
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})?$")  # "fr", "en-GB", "fra": what record systems send


def instant(value: datetime.datetime | None) -> str:
    """A time in UTC to the second, as Atom and FHIR both write it: 2026-12-01T09:30:00Z (now when None)."""
    return (value or timezone.now()).astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class BadParameter(ValueError):
    """A parameter a record system sent that we cannot answer; `name` is the parameter's name."""

    def __init__(self, name: str, problem: str):
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem


def single(query: QueryDict, name: str, *, required: bool = False, strip: bool = True) -> str:
    """The one value of a parameter ("" when absent), trimmed; BadParameter when it is repeated, too long,
    holds control characters, or is required and missing."""
    values = query.getlist(name)
    if len(values) > 1:
        raise BadParameter(name, "given more than once")
    value = values[0] if values else ""
    value = value.strip() if strip else value
    if len(value) > MAX_VALUE_LENGTH:
        raise BadParameter(name, f"longer than {MAX_VALUE_LENGTH} characters")
    if not _PRINTABLE.fullmatch(value):
        raise BadParameter(name, "holds control characters")
    if required and not value:
        raise BadParameter(name, "required")
    return value


def clinic_slug(query: QueryDict) -> str:
    value = single(query, "clinic")
    if value and not SLUG.fullmatch(value):
        raise BadParameter("clinic", "not a clinic name (letters, digits, - and _)")
    return value
