"""Leaflets, their versions, and the append-only record of what happened to them.

The rules a patient's safety depends on are held by the database (constraints here, triggers in the
migration `0002_protect_history`), so neither a bug in Python nor a `queryset.update()` can break them.
The service functions in `education.services` are the only code that changes these rows.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from education.content import sanitise_body

BODY_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Link": {"enableTarget": False, "protocols": ["https", "mailto", "tel"]},
}


class Leaflet(models.Model):
    """A leaflet's stable identity: its address and its place in the clinic's review cycle."""

    DEFAULT_REVIEW_INTERVAL_MONTHS = 24

    slug = models.SlugField(
        _("address"), max_length=80, unique=True, help_text=_("Used in the leaflet's web address; never change it.")
    )
    name = models.CharField(_("internal name"), max_length=120)
    topic = models.CharField(_("topic"), max_length=80, blank=True)
    tags = models.CharField(_("tags"), max_length=200, blank=True, help_text=_("Comma-separated."))
    review_interval_months = models.PositiveSmallIntegerField(
        _("review interval (months)"),
        default=DEFAULT_REVIEW_INTERVAL_MONTHS,
        help_text=_("How long after publication a version is due for clinical review."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_leaflets",
        help_text=_("The person who keeps this leaflet up to date."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("leaflet")
        verbose_name_plural = _("leaflets")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_interval_months__gte=1, review_interval_months__lte=60),
                name="leaflet_review_interval_1_to_60_months",
            ),
        ]
        permissions = [("retire_leaflet", _("Can retire (withdraw) a leaflet"))]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("education:leaflet", kwargs={"slug": self.slug})


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
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def body_html(self) -> str:
        """The body, sanitised again on the way out; the one place rich text is marked safe."""
        return mark_safe(sanitise_body(self.body))  # noqa: S308 - nh3 allowlist in education.content

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


class AuditEvent(models.Model):
    """Append-only: who did what to which version, when, and why. Rows are never changed or deleted."""

    class Action(models.TextChoices):
        CREATED = "created", _("Draft created")
        EDITED = "edited", _("Draft edited")
        SUBMITTED = "submitted", _("Submitted for review")
        SENT_BACK = "sent_back", _("Sent back to draft")
        PUBLISHED = "published", _("Approved and published")
        RETIRED = "retired", _("Retired")
        DISCARDED = "discarded", _("Discarded")
        WITHDRAWN = "withdrawn", _("Withdrawn from patients")
        LINKS_REVOKED = "revoked_all", _("Every live share link revoked")
        RECALL_SENT = "recall_sent", _("Recall notice emailed to staff")

    leaflet = models.ForeignKey(Leaflet, on_delete=models.PROTECT, related_name="events")
    version = models.ForeignKey(LeafletVersion, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    content_hash = models.CharField(_("content fingerprint"), max_length=64, blank=True)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    # What patients would have seen at this step, for steps that hand a version back to its authors (send
    # back): the reviewer can later compare the resubmitted version with what they sent back.
    content = models.JSONField(_("content at this step"), null=True, blank=True, editable=False)
    # The statement an approver signed when approving (the exact words, in the language they were shown in).
    attestation = models.TextField(  # noqa: DJ001 - NULL for every step but approval; added without a rebuild
        _("statement signed"), max_length=500, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["leaflet", "at"], name="event_leaflet_at")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} – {self.actor} – {self.at:%Y-%m-%d %H:%M}"

    @staticmethod
    def _status_label(code: str) -> str:
        try:
            return LeafletVersion.Status(code).label
        except ValueError:
            return code or "–"

    @property
    def from_status_label(self) -> str:
        return self._status_label(self.from_status)

    @property
    def to_status_label(self) -> str:
        return self._status_label(self.to_status)


def share_token_hash(token: str) -> str:
    """The stored fingerprint of a share token (or a share form's one-time key): SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ShareLink(models.Model):
    """An unguessable link to one exact version, for one patient's phone, email or printed QR code.

    Only a SHA-256 hash of the token is stored; the token itself is shown once, to the member of staff who
    created the link. Nothing about the visitor is stored: only an aggregate view count.
    """

    token_hash = models.CharField(_("token fingerprint"), max_length=64, unique=True, editable=False)
    version = models.ForeignKey(
        LeafletVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="share_links"
    )
    clinic = models.ForeignKey(
        "clinic.Clinic", verbose_name=_("clinic"), on_delete=models.PROTECT, related_name="share_links"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    view_count = models.PositiveIntegerField(_("views"), default=0)
    # Visits after the version was withdrawn (each was shown the withdrawal notice, not the text): a patient
    # who still tried to read it, which a recall needs to know. NULL until the first such visit, so SQLite
    # adds the column without rebuilding the table.
    views_after_withdrawal = models.PositiveIntegerField(_("views after withdrawal"), null=True, blank=True)
    # SHA-256 of the one-time key of the staff share form that made this link, so submitting the same form
    # again (a refreshed result page) sends nothing. NULL, not "", for links made without a form: NULLs never
    # collide, and SQLite can add a nullable column without rebuilding the table and its triggers.
    form_key_hash = models.CharField(  # noqa: DJ001
        _("share form fingerprint"), max_length=64, null=True, editable=False
    )

    class Meta:
        verbose_name = _("share link")
        verbose_name_plural = _("share links")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(token_hash__regex=r"^[0-9a-f]{64}$"),  # noqa: S106 - a hash pattern, not a password
                name="share_link_hash_is_sha256",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_by__isnull=False), name="share_link_revoked_by_someone"
            ),
            # Conditional, so SQLite adds it as an index instead of rebuilding the table (and its triggers).
            models.UniqueConstraint(
                fields=["form_key_hash"], condition=Q(form_key_hash__isnull=False), name="share_link_one_per_form"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} via {self.clinic} ({self.created_at:%Y-%m-%d})"


class Handout(models.Model):
    """A record that a leaflet reached a patient: printed, emailed, shown as a QR code or sent as a link.

    Never holds anything about the patient (no name, email, phone or date of birth): only which versions,
    which clinic, how, when and, for staff, who. It answers "which version did patients get?".
    """

    class Channel(models.TextChoices):
        PRINT = "print", _("Printed handout")
        EMAIL = "email", _("Link sent by email")
        QR = "qr", _("QR code shown or printed")
        LINK = "link", _("Link copied")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    clinic = models.ForeignKey(
        "clinic.Clinic", verbose_name=_("clinic"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for downloads by the public."),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    share_link = models.ForeignKey(
        ShareLink,
        verbose_name=_("share link"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handouts",
    )
    options = models.JSONField(
        _("options"), default=dict, blank=True, help_text=_("Paper size, large print, whether a note was added.")
    )
    versions = models.ManyToManyField(LeafletVersion, through="HandoutItem", related_name="handouts")

    class Meta:
        verbose_name = _("handout record")
        verbose_name_plural = _("handout records")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["channel", "created_at"], name="handout_channel_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=["print", "download", "email", "qr", "link"]), name="handout_channel_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} at {self.created_at:%Y-%m-%d %H:%M}"


class HandoutItem(models.Model):
    handout = models.ForeignKey(Handout, on_delete=models.PROTECT, related_name="items")
    version = models.ForeignKey(LeafletVersion, on_delete=models.PROTECT, related_name="handout_items")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("handed-out version")
        verbose_name_plural = _("handed-out versions")
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["handout", "version"], name="handout_item_once")]

    def __str__(self) -> str:
        return f"{self.version} in {self.handout_id}"


class ReviewReminder(models.Model):
    """One leaflet listed in one review-reminder email. Unique per day, so reminders are never sent twice."""

    leaflet = models.ForeignKey(Leaflet, on_delete=models.PROTECT, related_name="review_reminders")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField(_("sent on"))
    review_due = models.DateField(_("review due"))

    class Meta:
        verbose_name = _("review reminder")
        verbose_name_plural = _("review reminders")
        ordering = ["-sent_on"]
        constraints = [
            models.UniqueConstraint(fields=["leaflet", "recipient", "sent_on"], name="review_reminder_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.leaflet} to {self.recipient} on {self.sent_on}"


class LeafletChange(models.Model):
    """Append-only: a change to a leaflet's own details (topic and tags, which patients see on the index and
    search by; name, review interval, owner), with the value before and after. These details are not clinical
    text, so they need no sign-off, but every change is on record."""

    leaflet = models.ForeignKey(Leaflet, on_delete=models.PROTECT, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    field = models.CharField(_("detail"), max_length=40)
    before = models.TextField(_("before"), max_length=300, blank=True)
    after = models.TextField(_("after"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("leaflet detail change")
        verbose_name_plural = _("leaflet detail changes")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.leaflet}: {self.field} {self.before!r} -> {self.after!r}"
