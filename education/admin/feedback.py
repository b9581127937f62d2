"""What patients told us: the answers to "Was this leaflet helpful?", read-only, for clinical approvers, with
one action: remove a comment that still names someone (its yes/no stays counted)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy, ngettext

from education import services
from education.admin.records import ReadOnlyAdmin
from education.models import PatientFeedback


@admin.register(PatientFeedback)
class PatientFeedbackAdmin(ReadOnlyAdmin):
    list_display = ["day", "version", "language", "helpful", "comment"]
    list_filter = ["helpful", "language", "day"]
    search_fields = ["comment", "version__title", "version__leaflet__slug"]
    list_select_related = ["version__leaflet"]
    date_hierarchy = "day"
    actions = ["remove_comments"]

    @admin.action(description=gettext_lazy("Remove the comments of the selected answers (the answers stay counted)"))
    def remove_comments(self, request, queryset):
        try:
            removed = services.feedback_comments_remove(
                feedback_ids=queryset.values_list("pk", flat=True), user=request.user
            )
        except services.NotPermitted as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return
        self.message_user(
            request, ngettext("%(count)d comment removed.", "%(count)d comments removed.", removed) % {"count": removed}
        )
