"""Versions of a leaflet, one row per version and language, with their signs and contributors."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from education.content import place_figures, sanitise_body
from education.models.leaflets import Leaflet

BODY_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    # A web address typed as www.… is made a link by the editor: with https, never http (which is not kept).
    "Link": {"enableTarget": False, "protocols": ["https", "mailto", "tel"], "defaultProtocol": "https"},
    # Spell-check on: the library turns it off by default; static/js/editor.js sets the version's language.
    "NoSpellCheck": False,
}


class LeafletVersionQuerySet(models.QuerySet):
    def newer_sources(self, *, leaflet_id, language, number) -> "models.QuerySet[LeafletVersion]":
        """Versions of a translation's source published after the one it translates: while any exists, the
        translation is out of date. The one definition of that rule; the arguments are values, or
        `OuterRef`s for the annotation below."""
        return self.filter(
            leaflet_id=leaflet_id, language=language, status=LeafletVersion.Status.PUBLISHED, number__gt=number
        )

    def with_translation_state(self) -> "models.QuerySet[LeafletVersion]":
        """Annotate `source_is_newer`: this version is a translation and its source has moved on."""
        newer = LeafletVersion.objects.newer_sources(
            leaflet_id=OuterRef("leaflet_id"),
            language=OuterRef("translation_of__language"),
            number=OuterRef("translation_of__number"),
        )
        return self.annotate(source_is_newer=Exists(newer))


class LeafletVersion(models.Model):
    """One version of a leaflet in one language. Published and retired versions never change."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")
        DISCARDED = "discarded", _("Discarded")

    OPEN_STATUSES = (Status.DRAFT, Status.IN_REVIEW)
    PUBLIC_STATUSES = (Status.PUBLISHED, Status.RETIRED)

    leaflet = models.ForeignKey(Leaflet, verbose_name=_("leaflet"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    language = models.CharField(_("language"), max_length=10, default="en")
    title = models.CharField(_("title"), max_length=160)
    summary = models.TextField(
        _("summary"), max_length=800, help_text=_("One to three short sentences: what this is and who it is for.")
    )
    body = ProseEditorField(
        _("body"),
        extensions=BODY_EDITOR_EXTENSIONS,
        sanitize=sanitise_body,
        blank=True,
    )
    references = models.TextField(_("references"), max_length=4000, blank=True, help_text=_("One per line."))
    change_note = models.CharField(
        _("change note"), max_length=500, help_text=_("What changed in this version and why (for the reviewer).")
    )
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("based on"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    translation_of = models.ForeignKey(
        "self",
        verbose_name=_("translation of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="translations",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    revision = models.PositiveIntegerField(
        _("edit count"), default=1, help_text=_("Goes up with every saved edit; detects stale forms.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)
    review_due = models.DateField(_("review due"), null=True, blank=True)
    content_hash = models.CharField(_("content fingerprint (SHA-256)"), max_length=64, blank=True)
    # Withdrawal: an approver took this version away from patients (a safety problem, say). Its status is
    # "retired" like a superseded version, but no path shows its text any more. Nullable columns, so SQLite
    # adds them without rebuilding the table (which would drop its protective triggers).
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    withdrawal_reason = models.TextField(  # noqa: DJ001 - NULL until withdrawn; see withdrawn_at
        _("reason for withdrawal"), max_length=2000, null=True, blank=True, editable=False
    )

    objects = LeafletVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("leaflet version")
        verbose_name_plural = _("leaflet versions")
        ordering = ["leaflet__name", "language", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["leaflet", "language", "number"], name="version_unique_number"),
            models.UniqueConstraint(
                fields=["leaflet", "language"],
                condition=Q(status="published"),
                name="version_one_published_per_language",
            ),
            models.UniqueConstraint(
                fields=["leaflet", "language"],
                condition=Q(status__in=["draft", "in_review"]),
                name="version_one_open_per_language",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "in_review", "published", "retired", "discarded"]),
                name="version_status_known",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="version_number_positive"),
            models.CheckConstraint(condition=~Q(change_note=""), name="version_change_note_required"),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("created_by")),
                name="version_approver_not_author",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["published", "retired"])
                | Q(
                    approved_by__isnull=False,
                    approved_at__isnull=False,
                    published_at__isnull=False,
                    review_due__isnull=False,
                    content_hash__regex=r"^[0-9a-f]{64}$",
                ),
                name="version_public_is_approved",
            ),
            models.CheckConstraint(
                condition=~Q(status="retired") | Q(retired_at__isnull=False), name="version_retired_has_date"
            ),
        ]
        indexes = [models.Index(fields=["status", "review_due"], name="version_status_review_due")]
        permissions = [
            ("submit_leafletversion", _("Can submit a draft for clinical review")),
            ("approve_leafletversion", _("Can approve and publish, or send back, a version")),
        ]

    def __str__(self) -> str:
        return f"{self.leaflet.name} v{self.number} ({self.language}, {self.get_status_display()})"

    def get_absolute_url(self) -> str:
        """The address of exactly this version. Numbers count per language, so the language is part of it."""
        path = reverse("education:leaflet_version", kwargs={"slug": self.leaflet.slug, "number": self.number})
        return f"{path}?lang={self.language}"

    def newer_source(self) -> "LeafletVersion | None":
        """For a translation: the source-language version published since the one it translates, if any."""
        if self.translation_of_id is None:
            return None
        source = self.translation_of
        newer = LeafletVersion.objects.newer_sources(
            leaflet_id=self.leaflet_id, language=source.language, number=source.number
        )
        return newer.order_by("-number").first()

    @property
    def language_name(self) -> str:
        """The version's language, named in the language of the page being rendered."""
        from education.languages import name_in_current_language

        return name_in_current_language(self.language)

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_public(self) -> bool:
        """Patients may read it: published, or superseded (retired) but not withdrawn."""
        return self.status in self.PUBLIC_STATUSES and self.withdrawn_at is None

    @property
    def next_review_due(self):
        """The review date in force: the latest "reviewed, no change" renewal's, else the version's own.
        Published rows are frozen, so a renewal is a row of its own (`ReviewRenewal`); selectors annotate
        `renewed_review_due` to save the query."""
        if hasattr(self, "renewed_review_due"):
            return self.renewed_review_due or self.review_due
        if self.pk is None or self.review_due is None:
            return self.review_due
        renewed = self.renewals.order_by("-reviewed_at", "-id").values_list("review_due", flat=True).first()
        return renewed or self.review_due

    @property
    def last_reviewed_at(self):
        """When a clinician last reviewed this text: the latest "reviewed, no change" renewal, else its
        approval. Selectors annotate `renewed_at` to save the query."""
        if hasattr(self, "renewed_at"):
            return self.renewed_at or self.approved_at
        if self.pk is None or self.approved_at is None:
            return self.approved_at
        renewed = self.renewals.order_by("-reviewed_at", "-id").values_list("reviewed_at", flat=True).first()
        return renewed or self.approved_at

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def body_html(self) -> str:
        """The body, sanitised again on the way out, with its figures in place (for screens); the one place
        rich text is marked safe. Figure HTML is built by format_html, so alt text and captions are escaped."""
        figures = [(figure.after_heading, figure.screen_html()) for figure in self.shown_figures()]
        return mark_safe(place_figures(sanitise_body(self.body), figures))  # noqa: S308 - nh3 allowlist + escaped

    def shown_figures(self) -> list:
        """The figures in order; no query when the selector found there are none (`has_figures`)."""
        if getattr(self, "has_figures", True) is False:
            return []
        return list(self.figures.all())

    def reference_list(self) -> list[str]:
        return [line.strip() for line in self.references.splitlines() if line.strip()]

    def help_sign_groups(self) -> list[dict]:
        """The 'when to get help' signs grouped by urgency, least urgent first (as NHS care cards do)."""
        signs = sorted(self.help_signs.all(), key=lambda sign: (sign.position, sign.id or 0))
        groups = []
        for urgency, heading, lead, action in HelpSign.GUIDANCE:
            matching = [sign for sign in signs if sign.urgency == urgency]
            if matching:
                groups.append(
                    {"urgency": urgency, "heading": heading, "lead": lead, "action": action, "signs": matching}
                )
        return groups


class HelpSign(models.Model):
    """One line of the 'when to get help' list, with how quickly the patient should act."""

    class Urgency(models.TextChoices):
        ROUTINE = "routine", _("Routine: contact the clinic at a normal time")
        URGENT = "urgent", _("Urgent: contact the clinic or a doctor today")
        EMERGENCY = "emergency", _("Emergency: get urgent care now")

    # (urgency, box heading, lead-in, what to do) as shown to patients on page and handout.
    GUIDANCE = [
        ("routine", _("Non-urgent advice"), _("Contact your clinic at a normal time if:"),
         _("Phone or email the clinic during opening hours.")),
        ("urgent", _("Urgent advice"), _("Contact your clinic or a doctor today if:"),
         _("Do not wait: call the clinic today. If it is closed, see a doctor today.")),
        ("emergency", _("Get help now"), _("Get urgent medical care now if:"),
         _("Go to urgent care or an emergency department now, or call emergency services.")),
    ]  # fmt: skip

    version = models.ForeignKey(LeafletVersion, on_delete=models.CASCADE, related_name="help_signs")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    text = models.CharField(_("sign"), max_length=300)

    class Meta:
        verbose_name = _("sign to get help")
        verbose_name_plural = _("when to get help")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(urgency__in=["routine", "urgent", "emergency"]), name="help_sign_urgency_known"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="help_sign_text_required"),
        ]

    def __str__(self) -> str:
        return f"{self.get_urgency_display()}: {self.text}"


class VersionContributor(models.Model):
    """Everyone who created or edited a version; none of them may approve it (four-eyes principle)."""

    version = models.ForeignKey(LeafletVersion, on_delete=models.PROTECT, related_name="contributors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Set when this person did not edit this version itself but wrote text it was copied from (a version that
    # no independent clinician had approved, or the version copied directly): they still may not approve it.
    via = models.ForeignKey(
        LeafletVersion,
        verbose_name=_("through text copied from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("contributor")
        verbose_name_plural = _("contributors")
        constraints = [models.UniqueConstraint(fields=["version", "user"], name="contributor_once_per_version")]

    def __str__(self) -> str:
        return f"{self.user} on {self.version_id}"
