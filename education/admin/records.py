"""Records the services keep: share links (revocable here), the audit trail, handouts and review reminders."""

from __future__ import annotations

from functools import partial

from django.contrib import admin, messages
from django.db.models import Q
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from education import services
from education.admin.views import preview
from education.models import (
    AuditEvent,
    Handout,
    LeafletChange,
    Notification,
    ReviewReminder,
    ReviewRenewal,
    ShareEmail,
    ShareLink,
    StaffProfile,
)


class ShareLinkStatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("working", _("Working")),
            ("expired", _("Expired")),
            ("revoked", _("Revoked")),
            ("withdrawn", _("Version withdrawn")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "working":
            live = queryset.filter(revoked_at__isnull=True, version__withdrawn_at__isnull=True)
            return live.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        if self.value() == "withdrawn":
            return queryset.filter(version__withdrawn_at__isnull=False)
        if self.value() == "expired":
            return queryset.filter(revoked_at__isnull=True, expires_at__lte=now)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    """Share links are created from the staff share page (the token is shown once, there) and revoked here."""

    list_display = ["created_at", "leaflet_version", "how_shared", "created_by", "clinic", "link_status", "view_count"]
    list_filter = [ShareLinkStatusFilter, "clinic"]
    search_fields = ["version__title", "version__leaflet__slug", "created_by__username"]
    list_select_related = ["version__leaflet", "clinic", "created_by"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("version__leaflet").prefetch_related("handouts")

    @admin.display(description=gettext_lazy("leaflet version"), ordering="version__leaflet__name")
    def leaflet_version(self, obj):
        return f"{obj.version.leaflet.name} v{obj.version.number} ({obj.version.language})"

    @admin.display(description=gettext_lazy("how shared"))
    def how_shared(self, obj):
        channels = sorted({handout.get_channel_display() for handout in obj.handouts.all()})
        return ", ".join(str(channel) for channel in channels) or "–"

    @admin.display(description=gettext_lazy("status"))
    def link_status(self, obj):
        if obj.version.withdrawn_at is not None:
            return _("Version withdrawn %(date)s: shows a notice, not the leaflet") % {
                "date": date_format(timezone.localtime(obj.version.withdrawn_at), "j M Y")
            }
        if obj.revoked_at:
            return _("Revoked %(date)s") % {"date": date_format(timezone.localtime(obj.revoked_at), "j M Y")}
        if obj.expires_at and obj.expires_at <= timezone.now():
            return _("Expired %(date)s") % {"date": date_format(timezone.localtime(obj.expires_at), "j M Y")}
        if obj.expires_at:
            return _("Works until %(date)s") % {"date": date_format(timezone.localtime(obj.expires_at), "j M Y")}
        return _("Works (no expiry)")

    readonly_fields = [
        "version", "clinic", "created_by", "created_at", "expires_at", "revoked_at", "revoked_by", "view_count",
        "views_after_withdrawal",
    ]  # fmt: skip
    fields = readonly_fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Revoke the selected links (they stop working at once)"))
    def revoke(self, request, queryset):
        try:
            for link in queryset:
                services.share_link_revoke(link=link, user=request.user)
        except services.NotPermitted as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        count = queryset.count()
        self.message_user(
            request, ngettext("%(n)d link revoked.", "%(n)d links revoked.", count) % {"n": count}, messages.SUCCESS
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that are written only by services (and kept by database triggers): searchable, never edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LeafletChange)
class LeafletChangeAdmin(ReadOnlyAdmin):
    """Read-only: every change of a leaflet's topic, tags, name, review interval or owner."""

    list_display = ["at", "leaflet", "field", "before", "after", "actor"]
    list_filter = ["field", "leaflet"]
    list_select_related = ["leaflet", "actor"]
    date_hierarchy = "at"


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the audit trail can be searched but never changed."""

    list_display = ["at", "action", "leaflet", "version_number", "actor", "status_change", "short_comment"]
    list_filter = ["action", "leaflet"]
    search_fields = ["comment", "leaflet__name", "actor__username"]
    list_select_related = ["leaflet", "version", "actor"]
    date_hierarchy = "at"

    @admin.display(description=gettext_lazy("version"), ordering="version__number")
    def version_number(self, obj):
        return f"v{obj.version.number} ({obj.version.language})"  # the status now is on the version's page

    @admin.display(description=gettext_lazy("status"))
    def status_change(self, obj):
        if obj.from_status == obj.to_status:
            return obj.to_status_label
        return f"{obj.from_status_label} → {obj.to_status_label}"

    @admin.display(description=gettext_lazy("comment"))
    def short_comment(self, obj):
        return obj.comment if len(obj.comment) <= 120 else obj.comment[:119] + "…"


# --- handout records -------------------------------------------------------------------------------------


@admin.register(Handout)
class HandoutAdmin(ReadOnlyAdmin):
    """Read-only: which versions reached patients, for which clinic, how, when and (for staff) by whom.

    Its URLs also serve the staff-only PDF of any version (views/preview.py): drafts carry a "DRAFT - not for
    patients" watermark.
    """

    list_display = ["created_at", "channel", "version_list", "clinic", "created_by", "options_summary"]
    list_filter = ["channel", "clinic", "versions"]
    list_select_related = ["clinic", "created_by"]
    date_hierarchy = "created_at"
    fields = ["created_at", "channel", "version_list", "clinic", "created_by", "share_link", "options_summary"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("items__version__leaflet")

    @admin.display(description=gettext_lazy("leaflet versions"))
    def version_list(self, obj):
        return "; ".join(
            f"{item.version.title} (v{item.version.number}, {item.version.language})" for item in obj.items.all()
        )

    @admin.display(description=gettext_lazy("options"))
    def options_summary(self, obj):
        options = obj.options or {}
        parts = [str(options["paper"]).upper()] if options.get("paper") else []
        if options.get("large_print"):
            parts.append(_("large print"))
        if options.get("with_note"):
            parts.append(_("with a note (not kept)"))
        return ", ".join(parts) or "–"

    def get_urls(self):
        return [
            # The view belongs with the versions (views/preview.py); its URL and name stay the records' own.
            path(
                "version/<int:pk>/handout.pdf",
                self.admin_site.admin_view(partial(preview.version_pdf_view, model_admin=self)),
                name="education_handout_version_pdf",
            ),
            *super().get_urls(),
        ]


# --- review reminders -------------------------------------------------------------------------------------


@admin.register(ReviewReminder)
class ReviewReminderAdmin(ReadOnlyAdmin):
    """Read-only: which leaflet owners were reminded of a clinical review, and when (manage.py review_reminders)."""

    list_display = ["sent_on", "leaflet", "recipient", "review_due"]
    list_filter = ["sent_on"]
    search_fields = ["leaflet__name", "leaflet__slug", "recipient__username"]
    list_select_related = ["leaflet", "recipient"]
    date_hierarchy = "sent_on"


# --- the staff workspace ----------------------------------------------------------------------------------


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Read-only: what each member of staff was told (staff home and email), and whether the email went."""

    list_display = ["created_at", "recipient", "kind", "version", "emailed_at", "email_failed", "read_at"]
    list_filter = ["kind", "created_at"]
    search_fields = ["recipient__username", "version__title", "leaflet__name"]
    list_select_related = ["recipient", "version__leaflet"]
    date_hierarchy = "created_at"


@admin.register(ReviewRenewal)
class ReviewRenewalAdmin(ReadOnlyAdmin):
    """Read-only: reviews without change ("Reviewed, no change"), which renew a published version's review date."""

    list_display = ["reviewed_at", "version", "reviewed_by", "previous_review_due", "review_due", "comment"]
    search_fields = ["version__title", "version__leaflet__name", "reviewed_by__username"]
    list_select_related = ["version__leaflet", "reviewed_by"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    """Each member of staff's email language (they can also set their own on the staff home)."""

    list_display = ["user", "language"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]


@admin.register(ShareEmail)
class ShareEmailAdmin(ReadOnlyAdmin):
    """Read-only: share emails waiting for the background worker, sent, or given up (their link then revoked).
    Never the address or the message: they are sealed while waiting and erased after."""

    list_display = ["created_at", "share_link", "created_by", "state", "attempts", "sent_at", "given_up_at"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter), ("given_up_at", admin.EmptyFieldListFilter)]
    list_select_related = ["share_link", "created_by"]
    fields = ["share_link", "created_by", "created_at", "attempts", "claimed_at", "sent_at", "given_up_at"]
    date_hierarchy = "created_at"

    @admin.display(description=gettext_lazy("state"))
    def state(self, obj) -> str:
        if obj.sent_at:
            return _("Sent")
        if obj.given_up_at:
            return _("Not sent: link revoked")
        if obj.claimed_at:
            return _("Being sent")
        return _("Waiting")
