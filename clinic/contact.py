"""The clinic's name and phone number for pages that must work without the database (the 500 and 503
pages): a small JSON file, rewritten whenever the default clinic is saved, then settings, then a generic
text. Reading it never touches the database.

The file is on each server's own disk. With several servers, the clinic is saved through one of them; the
others refresh their copy from the database as their workers start (refresh_contact_file, run in a thread by
clinic/gunicorn.py, so a database that is down never holds a worker up), and workers are recycled."""

import json
import logging
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

# The Clinic model's own default colours, for when the file does not name any.
DEFAULT_PRIMARY_COLOUR = "#0b5394"
DEFAULT_ACCENT_COLOUR = "#8a3b12"


@dataclass(frozen=True)
class ClinicContact:
    """Enough of the clinic for base.html's header and footer, and for "who to call"."""

    name: str
    phone: str = ""
    primary_colour: str = DEFAULT_PRIMARY_COLOUR
    accent_colour: str = DEFAULT_ACCENT_COLOUR
    website: str = ""
    logo = None  # base.html shows no logo: the logo's file may live in storage we cannot reach now


def contact_file_path() -> Path:
    return Path(settings.CLINIC_CONTACT_FILE)


def write_contact_file(clinic) -> None:
    """Write the clinic's name, phone and colours to CLINIC_CONTACT_FILE, atomically (a temporary file in the
    same folder, then os.replace): a reader sees the old file or the new one, never half of one. A failure
    is logged and does not stop the clinic being saved."""
    path = contact_file_path()
    data = {
        "name": clinic.name,
        "phone": clinic.phone,
        "website": clinic.website,
        "primary_colour": clinic.primary_colour,
        "accent_colour": clinic.accent_colour,
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".clinic-contact-", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, 0o644)  # noqa: S103 - a name and a phone number, readable by the web server
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        logger.exception("Could not write the clinic's contact details to %s", path)


def _text(data: dict, key: str, limit: int) -> str:
    value = data.get(key, "")
    return value.strip()[:limit] if isinstance(value, str) else ""


def _colour(data: dict, key: str, default: str) -> str:
    value = _text(data, key, 7)
    return value if re.fullmatch(r"#[0-9a-fA-F]{6}", value) else default


def clinic_contact() -> ClinicContact | None:
    """The default clinic's contact from CLINIC_CONTACT_FILE; else CLINIC_FALLBACK_NAME and
    CLINIC_FALLBACK_PHONE from settings; else None (the page then says "the clinic" in general words)."""
    try:
        data = json.loads(contact_file_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    if isinstance(data, dict) and _text(data, "name", 120):
        return ClinicContact(
            name=_text(data, "name", 120),
            phone=_text(data, "phone", 40),
            website=_text(data, "website", 200),
            primary_colour=_colour(data, "primary_colour", DEFAULT_PRIMARY_COLOUR),
            accent_colour=_colour(data, "accent_colour", DEFAULT_ACCENT_COLOUR),
        )
    name = getattr(settings, "CLINIC_FALLBACK_NAME", "")
    phone = getattr(settings, "CLINIC_FALLBACK_PHONE", "")
    if name or phone:
        return ClinicContact(name=name, phone=phone)
    return None


def refresh_contact_file() -> bool:
    """Write the default clinic's details from the database to this server's file. False, and logged, when the
    database cannot be read; False when there is no default clinic (the file is left as it is)."""
    from django.db import DatabaseError

    from clinic.models import Clinic

    try:
        clinic = Clinic.objects.filter(is_default=True).first()
    except DatabaseError as error:
        logger.warning("Could not refresh the clinic's contact details from the database: %s", type(error).__name__)
        return False
    if clinic is None:
        return False
    write_contact_file(clinic)
    return True


def write_default_clinic_contact(sender, instance, **kwargs) -> None:
    """post_save receiver: the default clinic's details to the file, once the save has committed."""
    if kwargs.get("raw") or not instance.is_default:
        return
    transaction.on_commit(lambda: write_contact_file(instance), using=kwargs.get("using"))
