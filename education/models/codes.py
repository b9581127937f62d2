"""The diagnosis codes a leaflet is found by (record systems ask by code: HL7 Infobutton, FHIR)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from education import codes
from education.models.leaflets import Leaflet


class LeafletCode(models.Model):
    """One coded concept a leaflet is about (ICD-10-CM L72.0, say). Changed only through
    `services.leaflet_codes_set`, which records each change as a leaflet detail change."""

    class System(models.TextChoices):
        ICD10CM = codes.ICD10CM, "ICD-10-CM"
        ICD10 = codes.ICD10, _("ICD-10 (WHO)")
        SNOMED_CT = codes.SNOMED_CT, "SNOMED CT"

    leaflet = models.ForeignKey(Leaflet, verbose_name=_("leaflet"), on_delete=models.PROTECT, related_name="codes")
    system = models.CharField(_("code system"), max_length=40, choices=System.choices)
    code = models.CharField(
        _("code"), max_length=20, help_text=_("For example L72.0 (ICD-10) or 271807003 (SNOMED CT).")
    )
    display = models.CharField(
        _("meaning"), max_length=200, blank=True, help_text=_("The code's name in its code system.")
    )

    class Meta:
        verbose_name = _("diagnosis code")
        verbose_name_plural = _("diagnosis codes")
        ordering = ["system", "code"]
        constraints = [
            models.UniqueConstraint(fields=["leaflet", "system", "code"], name="leaflet_code_unique"),
            # The format of each system held by the database too (SNOMED CT's check digit only in Python).
            models.CheckConstraint(
                condition=Q(system=codes.ICD10CM, code__regex=codes.DATABASE_PATTERNS[codes.ICD10CM])
                | Q(system=codes.ICD10, code__regex=codes.DATABASE_PATTERNS[codes.ICD10])
                | Q(system=codes.SNOMED_CT, code__regex=codes.DATABASE_PATTERNS[codes.SNOMED_CT]),
                name="leaflet_code_format",
            ),
        ]
        indexes = [models.Index(fields=["system", "code"], name="leaflet_code_lookup")]

    def __str__(self) -> str:
        return f"{codes.system_name(self.system)} {self.code}"

    def clean(self):
        self.code = codes.normalise(self.system, self.code)
        if self.system and codes.format_problem(self.system, self.code):
            raise ValidationError(
                {
                    "code": _("%(code)s is not a valid %(system)s code.")
                    % {"code": self.code, "system": codes.system_name(self.system)}
                }
            )
