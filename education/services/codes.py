"""The diagnosis codes a leaflet is found by: setting them, with each change on record."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from education import codes
from education.models import Leaflet, LeafletChange, LeafletCode
from education.services.errors import WorkflowError
from education.services.permissions import require

MAX_CODES = 50
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # never in a code's meaning (and they separate codes in queries)


@dataclass(frozen=True)
class CodeData:
    system: str
    code: str
    display: str = ""


def _listed(rows) -> str:
    """The codes as one line for the record of changes, in a stable order: 'ICD-10-CM L72.0; SNOMED CT 1234'."""
    shown = "; ".join(sorted(f"{codes.system_name(system)} {code}" + (f" ({display})" if display else "")
                             for system, code, display in rows))  # fmt: skip
    return shown if len(shown) <= 300 else shown[:299] + "…"


@transaction.atomic
def leaflet_codes_set(*, leaflet: Leaflet, user: AbstractBaseUser, wanted: list[CodeData]) -> list[LeafletCode]:
    """Make the leaflet's diagnosis codes exactly `wanted` (normalised, each checked for its system's
    format), recording the list before and after as one leaflet detail change ("codes") when it changed.
    Record systems find leaflets by these codes, so a change is on record like a change of topic."""
    require(user.is_active and user.has_perm("education.change_leaflet"), _("You may not change leaflets."))
    if len(wanted) > MAX_CODES:
        raise WorkflowError(_("A leaflet can have at most %(count)d codes.") % {"count": MAX_CODES})
    new: dict[tuple[str, str], str] = {}
    for item in wanted:
        code = codes.normalise(item.system, item.code)
        if codes.format_problem(item.system, code):
            raise WorkflowError(
                _("%(code)s is not a valid %(system)s code.") % {"code": code, "system": codes.system_name(item.system)}
            )
        new[(item.system, code)] = _CONTROL.sub("", item.display or "").strip()[:200]
    Leaflet.objects.select_for_update().filter(pk=leaflet.pk).exists()  # one change of codes at a time
    existing = {(row.system, row.code): row for row in leaflet.codes.all()}
    before = _listed((system, code, row.display) for (system, code), row in existing.items())
    after = _listed((system, code, display) for (system, code), display in new.items())
    removed = [row.pk for key, row in existing.items() if key not in new]
    if removed:
        LeafletCode.objects.filter(pk__in=removed).delete()
    for (system, code), display in new.items():
        row = existing.get((system, code))
        if row is None:
            row = LeafletCode(leaflet=leaflet, system=system, code=code, display=display)
            row.full_clean()
            row.save()
        elif row.display != display:
            row.display = display
            row.save(update_fields=["display"])
    if before != after:
        LeafletChange.objects.create(leaflet=leaflet, actor=user, field="codes", before=before, after=after)
    return list(leaflet.codes.order_by("system", "code"))
