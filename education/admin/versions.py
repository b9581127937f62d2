"""Leaflet versions: writing a draft (with its "when to get help" signs), reading any version, and the links
to its sign-off steps, comparisons, preview and history."""

from __future__ import annotations

from functools import partial

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from education import selectors, services
from education.admin import common
from education.admin.views import compare, figures, history, preview, recall, review, workflow
from education.admin.views.writing import readability_verdict, readability_view, words_label
from education.content import (
    ContentSnapshot,
    compare_versions,
    hardest_sentences,
    readability,
)
from education.forms import CommentForm, LeafletVersionForm
from education.models import HandoutItem, HelpSign, LeafletVersion

Status = LeafletVersion.Status


def _submitted_content(form, context) -> ContentSnapshot:
    """The text a member of staff sent in a form that could not be saved."""
    signs = []
    for inline in context.get("inline_admin_formsets", []):
        for sign_form in inline.formset.forms:
            data = getattr(sign_form, "cleaned_data", None) or {}
            if data.get("text") and not data.get("DELETE"):
                signs.append((data.get("urgency", ""), data["text"]))
    return ContentSnapshot(
        title=form.data.get("title", ""),
        summary=form.data.get("summary", ""),
        body=form.data.get("body", ""),
        references=form.data.get("references", ""),
        signs=signs,
    )


class HelpSignInline(admin.TabularInline):
    model = HelpSign
    fields = ["urgency", "text"]
    extra = 1
    max_num = services.MAX_HELP_SIGNS
    verbose_name_plural = gettext_lazy("When to get help (one sign per row; patients see them grouped by urgency)")
    # A sign is a sentence or two: a box that shows it whole (admin-extra.css hides the row captions that
    # would repeat each sign above its own box).
    formfield_overrides = {models.CharField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 70})}}

    def has_add_permission(self, request, obj=None):
        return obj is not None and obj.status == Status.DRAFT and services.can_edit(request.user)

    def has_change_permission(self, request, obj=None):
        return obj is not None and obj.status == Status.DRAFT and services.can_edit(request.user)

    def has_delete_permission(self, request, obj=None):
        return obj is not None and obj.status == Status.DRAFT and services.can_edit(request.user)

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is not None and obj.status == Status.DRAFT else 0


class LanguageFilter(admin.SimpleListFilter):
    """The languages the site offers, from the settings: Django's own filter would ask the database for the
    distinct languages of every version on each page of the list."""

    title = gettext_lazy("language")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        return settings.LANGUAGES

    def queryset(self, request, queryset):
        return queryset.filter(language=self.value()) if self.value() else queryset


@admin.register(LeafletVersion)
class LeafletVersionAdmin(admin.ModelAdmin):
    form = LeafletVersionForm
    inlines = [HelpSignInline]
    # Django's "View on site" would lead drafts to a 404; public versions have "Patient page" (change_form.html).
    view_on_site = False
    list_display = [
        "title", "leaflet", "number", "language", "status", "translation", "created_by", "approved_by", "review_due",
        "handed_out",
    ]  # fmt: skip
    # By topic, not by leaflet: a filter listing every leaflet grows with the library (5,000 links on each
    # page); a leaflet's versions are one search away (name or address) or on the leaflet's own page.
    list_filter = ["status", LanguageFilter, "leaflet__topic"]
    # Newest first: the primary key's order, so a page reads its 100 rows, not every version sorted by leaflet
    # name (a sort of the whole table, 50 ms at 10,000 versions). Each column still sorts on a click.
    ordering = ["-pk"]
    list_per_page = 50  # rendering a row of this list costs about 1 ms: 100 rows took 150 ms on a busy machine
    show_full_result_count = False  # one count of the filtered list, not a second of the whole table
    search_fields = ["title", "leaflet__name", "leaflet__slug"]
    list_select_related = ["leaflet", "created_by", "approved_by"]
    change_form_template = "admin/education/leafletversion/change_form.html"
    object_history_template = "admin/education/history.html"
    DRAFT_FIELDSETS = [
        (None, {"fields": ["leaflet", "number", "language", "status", "readability"]}),
        (gettext_lazy("Patient-facing content"), {"fields": ["title", "summary", "body", "references"]}),
        (gettext_lazy("For the reviewer"), {"fields": ["change_note", "seen_revision"]}),
    ]
    READ_FIELDSETS = [
        (None, {"fields": ["leaflet", "number", "language", "status", "readability"]}),
        (gettext_lazy("Patient-facing content"), {"fields": ["title", "summary", "rendered_body", "references"]}),
        (
            gettext_lazy("Sign-off"),
            {
                "fields": [
                    "change_note", "created_by", "contributor_names", "approved_by", "approved_at", "published_at",
                    "retired_at", "review_due", "based_on", "translation_of", "content_hash", "handed_out",
                ]
            },
        ),
        (gettext_lazy("What patients tell us"), {"fields": ["patient_feedback"]}),
    ]  # fmt: skip

    def get_fieldsets(self, request, obj=None):
        if obj is not None and self.has_change_permission(request, obj):
            return self.DRAFT_FIELDSETS
        return self.READ_FIELDSETS

    def get_readonly_fields(self, request, obj=None):
        base = ["leaflet", "number", "language", "status", "readability"]
        if obj is not None and self.has_change_permission(request, obj):
            return base
        return [*base, "title", "summary", "rendered_body", "references", "change_note", "created_by",
                "contributor_names", "approved_by", "approved_at", "published_at", "retired_at", "review_due",
                "based_on", "translation_of", "content_hash", "handed_out", "patient_feedback"]  # fmt: skip

    def get_queryset(self, request):
        versions = super().get_queryset(request)
        if getattr(request.resolver_match, "url_name", "") == "education_leafletversion_changelist":
            versions = versions.defer("body", "summary", "references")  # the list shows none of them
        return (
            versions.select_related("leaflet", "created_by", "approved_by")
            .with_translation_state()
            # A correlated count per listed row, not a join and GROUP BY over every version in the table.
            .annotate(
                handed_out_count=Coalesce(
                    Subquery(
                        HandoutItem.objects.filter(version=OuterRef("pk"))
                        .order_by()
                        .values("version")
                        .annotate(count=Count("pk"))
                        .values("count")
                    ),
                    0,
                )
            )
        )

    @admin.display(description=gettext_lazy("translation"), boolean=False)
    def translation(self, obj):
        if obj.translation_of_id is None:
            return "–"
        if getattr(obj, "source_is_newer", False) and obj.status in (*LeafletVersion.OPEN_STATUSES, Status.PUBLISHED):
            return format_html('<strong class="overdue">{}</strong>', _("out of date"))
        return _("up to date")

    def has_add_permission(self, request):
        return False  # drafts are started from the leaflet's page, so they always belong to a leaflet

    def has_change_permission(self, request, obj=None):
        if not services.can_edit(request.user):
            return False
        return obj is None or obj.status == Status.DRAFT

    def has_delete_permission(self, request, obj=None):
        return False  # versions are discarded or retired, never deleted

    @admin.display(description=gettext_lazy("readability"))
    def readability(self, obj):
        signs = [sign.text for sign in obj.help_signs.all()]
        fields = {"title": obj.title, "summary": obj.summary, "body": obj.body, "help_signs": signs}
        verdict = readability_verdict(readability(**fields, language=obj.language))
        hardest = hardest_sentences(**fields, language=obj.language)
        if not hardest:
            return format_html('<span id="live-readability" aria-live="polite">{}</span>', verdict)
        items = format_html_join("", "<li>{} <small>({})</small></li>", ((s, words_label(n)) for s, n, _p in hardest))
        return format_html(
            '<div id="live-readability" aria-live="polite"><p>{}</p><p>{}</p><ol class="hardest">{}</ol></div>',
            verdict,
            _("Hardest sentences to read (shorten or split them):"),
            items,
        )

    @admin.display(description=gettext_lazy("body"))
    def rendered_body(self, obj):
        return format_html('<div class="leaflet-body-preview">{}</div>', obj.body_html())

    @admin.display(description=gettext_lazy("feedback and page views"))
    def patient_feedback(self, obj):
        """Counts of "Was this leaflet helpful?" and page views, and the latest comments (scrubbed of email
        addresses and phone numbers before they were stored)."""
        summary = selectors.version_feedback(version=obj)
        counts = format_html(
            "<p>{}</p>",
            _("Helpful: %(yes)d · Not helpful: %(no)d · Page views: %(views)d")
            % {"yes": summary.helpful, "no": summary.not_helpful, "views": summary.views},
        )
        if not summary.comments:
            return format_html("{}<p>{}</p>", counts, _("No comments yet."))
        rows = format_html_join(
            "",
            "<li><strong>{}</strong> · {} – {}</li>",
            ((date_format(row.day), _("Yes") if row.helpful else _("No"), row.comment) for row in summary.comments),
        )
        return format_html('{}<ul class="patient-comments">{}</ul>', counts, rows)

    @admin.display(description=gettext_lazy("written or edited by"))
    def contributor_names(self, obj):
        return ", ".join(str(c.user) for c in obj.contributors.select_related("user"))

    @admin.display(description=gettext_lazy("handed out"), ordering="handed_out_count")
    def handed_out(self, obj):
        """How often patients got this version (printed, downloaded or sent), linking to the records."""
        count = getattr(obj, "handed_out_count", None)
        if count is None:
            count = obj.handout_items.count()
        if not count:
            return "0"
        url = reverse("admin:education_handout_changelist") + f"?versions__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, count)

    def save_model(self, request, obj, form, change):
        """Saving happens in save_related, once the signs are known, through the service."""

    def save_related(self, request, form, formsets, change):
        signs = []
        for formset in formsets:
            for sign_form in formset.forms:
                data = getattr(sign_form, "cleaned_data", None)
                if not data or data.get("DELETE"):
                    continue
                signs.append(services.HelpSignData(urgency=data.get("urgency", ""), text=data.get("text", "")))
        cleaned = form.cleaned_data
        request._removed_from_body = getattr(form, "removed_from_body", [])
        saved = services.version_edit_draft(
            version=form.instance,
            user=request.user,
            expected_revision=cleaned["seen_revision"],
            title=cleaned["title"],
            summary=cleaned["summary"],
            body=cleaned["body"],
            references=cleaned.get("references", ""),
            change_note=cleaned["change_note"],
            help_signs=signs,
        )
        request._saved_revision = saved.revision  # what this user saw last: "then submit" submits only that

    # Buttons of the draft editor that act on the version once the form is saved: the text on screen is saved
    # first (or, if it cannot be, nothing is submitted and the form comes back with the errors).
    SAVE_THEN = {
        "_submit_for_review": ("submit", services.version_submit),
        "_catch_up": ("catch_up", services.version_translation_catch_up),
    }

    def response_change(self, request, obj):
        form_removed = getattr(request, "_removed_from_body", [])
        if form_removed:
            messages.warning(
                request,
                _("Saved, but some of the body could not be kept and was removed: %(items)s. Check the text below.")
                % {"items": "; ".join(form_removed)},
            )
        for button, (action, service) in self.SAVE_THEN.items():
            if button not in request.POST:
                continue
            if action not in services.available_actions(version=obj, user=request.user):
                messages.error(request, _("Saved, but not sent on: you may not do that with this version now."))
                return HttpResponseRedirect(request.path)
            note = request.POST.get("workflow_comment", "")
            kwargs = {}
            if action == "submit":  # nobody else's save may slip in between this save and the submission
                kwargs["expected_revision"] = getattr(request, "_saved_revision", None)
            if action == "submit" and request.POST.get("reviewer", "").strip():
                kwargs["reviewer"] = (
                    get_user_model().objects.filter(pk=selectors.parse_id(request.POST["reviewer"].strip())).first()
                )
                if kwargs["reviewer"] is None:
                    messages.error(
                        request, _("Your edits are saved, but not sent on: choose a reviewer from the list.")
                    )
                    return HttpResponseRedirect(request.path)
            try:
                with common.not_permitted_as_403():
                    service(
                        version=LeafletVersion.objects.get(pk=obj.pk), user=request.user, comment=note[:2000], **kwargs
                    )
            except services.WorkflowError as error:
                messages.error(request, _("Your edits are saved, but not sent on: %(why)s") % {"why": error})
                return HttpResponseRedirect(request.path)
            messages.success(request, str(workflow.ACTIONS[action][1]))
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def construct_change_message(self, request, form, formsets, add=False):
        # The signs are saved by the service (not formset.save()) and recorded in the audit trail.
        return super().construct_change_message(request, form, [], add)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id and services.can_edit(request.user):
            version = self.get_object(request, object_id)
            if version is not None and version.status != Status.DRAFT:
                # Someone submitted or published it while this user was editing: say so, keep nothing half-done.
                messages.error(
                    request,
                    _("Not saved: this version is now %(status)s and can no longer be edited.")
                    % {"status": version.get_status_display()},
                )
                return HttpResponseRedirect(request.path)
        try:
            with common.not_permitted_as_403():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except services.WorkflowError as error:  # a stale edit too: someone else saved the draft meanwhile
            messages.error(request, str(error))
        return HttpResponseRedirect(request.path)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = getattr(context.get("adminform"), "form", None)
        if obj is not None and form is not None and form.is_bound and form.has_error(NON_FIELD_ERRORS, "stale"):
            # Two people edited the same draft: show what the saved draft says against what this user sent,
            # so nothing is lost and nothing is silently overwritten.
            saved = LeafletVersion.objects.get(pk=obj.pk)  # the form has already written its data onto obj
            context["conflict_lines"] = [
                line for line in compare_versions(saved, _submitted_content(form, context)) if line.change != "same"
            ]
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        version = self.get_object(request, object_id)
        extra = {}
        if version is not None:
            compare_with = selectors.default_comparison(version)
            open_version = version.status in LeafletVersion.OPEN_STATUSES
            sent_back = selectors.last_sent_back(version) if open_version else None
            extra = {
                "version": version,
                "workflow_actions": services.available_actions(version=version, user=request.user),
                "unavailable_actions": services.unavailable_actions(version=version, user=request.user),
                "change_note_missing": services.CHANGE_NOTE_PROMPT in version.change_note,
                "comment_form": CommentForm(),
                "compare_with": compare_with,
                "newer_source": version.newer_source(),
                "is_contributor": services.is_contributor(version=version, user=request.user),
                "sent_back": sent_back if version.status == Status.DRAFT else None,
                "sent_back_content": sent_back is not None and isinstance(sent_back.content, dict),
                "approval_statement": services.approval_statement(),
                # Who can be named as the reviewer when submitting: approvers who did not write or edit it.
                "reviewers": list(
                    services.clinical_approvers()
                    .exclude(pk=version.created_by_id)
                    .exclude(pk__in=version.contributors.values("user_id"))
                    .order_by("first_name", "username")
                )
                if version.status == Status.DRAFT
                else [],
            }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def get_urls(self):
        return [
            path(
                "<int:pk>/recall/",
                self.admin_site.admin_view(partial(recall.recall_view, model_admin=self)),
                name="education_leafletversion_recall",
            ),
            path(
                "<int:pk>/workflow/<slug:action>/",
                self.admin_site.admin_view(partial(workflow.workflow_view, model_admin=self)),
                name="education_leafletversion_workflow",
            ),
            path(
                "<int:pk>/compare/",
                self.admin_site.admin_view(partial(compare.compare_view, model_admin=self)),
                name="education_leafletversion_compare",
            ),
            path(
                "<int:pk>/compare/sent-back/",
                self.admin_site.admin_view(partial(compare.compare_sent_back_view, model_admin=self)),
                name="education_leafletversion_compare_sent_back",
            ),
            path(
                "<int:pk>/review/",
                self.admin_site.admin_view(partial(review.review_view, model_admin=self)),
                name="education_leafletversion_review",
            ),
            path(
                "<int:pk>/renew/",
                self.admin_site.admin_view(partial(review.renew_view, model_admin=self)),
                name="education_leafletversion_renew",
            ),
            path(
                "<int:pk>/readability/",
                self.admin_site.admin_view(partial(readability_view, model_admin=self)),
                name="education_leafletversion_readability",
            ),
            path(
                "<int:pk>/figures/",
                self.admin_site.admin_view(partial(figures.figures_view, model_admin=self)),
                name="education_leafletversion_figures",
            ),
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(partial(preview.preview_view, model_admin=self)),
                name="education_leafletversion_preview",
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        return history.history_page(self, request, object_id, events=selectors.version_events)
