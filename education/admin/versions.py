"""The staff side: leaflets, versions and their sign-off. Every change calls a service in `education.services`."""

from __future__ import annotations

from contextlib import contextmanager

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db import models
from django.db.models import Count, Q
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from education import selectors, services
from education.content import (
    READABILITY_TARGET_GRADE,
    READING_EASE_TARGET,
    ContentSnapshot,
    compare_versions,
    readability,
)
from education.forms import CommentForm, LeafletVersionForm, NewDraftForm
from education.models import AuditEvent, Handout, HelpSign, Leaflet, LeafletVersion, ReviewReminder, ShareLink

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


@contextmanager
def not_permitted_as_403():
    """Answer a service's NotPermitted with 403 Forbidden and the service's reason: the one place that
    translates it, so that it alone changes when services.NotPermitted becomes a PermissionDenied itself."""
    try:
        yield
    except services.NotPermitted as error:
        raise PermissionDenied(str(error)) from error


def history_page(model_admin, request, object_id, *, events) -> TemplateResponse:
    """The audit trail of one leaflet or version (`events(obj)`), oldest first, for staff who may see it.

    Django's own history page lists the admin log; this one lists the audit events every service records."""
    obj = model_admin.get_object(request, object_id)
    if obj is None or not model_admin.has_view_permission(request, obj):
        raise Http404
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "object": obj,
        "events": events(obj),
        "title": _("History: %(name)s") % {"name": obj},
    }
    return TemplateResponse(request, model_admin.object_history_template, context)


def _version_url(version: LeafletVersion) -> str:
    return reverse("admin:education_leafletversion_change", args=[version.pk])


# --- leaflets ---------------------------------------------------------------------------------------------


class ReviewDueFilter(admin.SimpleListFilter):
    title = gettext_lazy("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("overdue", gettext_lazy("Review overdue")), ("soon", gettext_lazy("Due within 90 days"))]

    def queryset(self, request, queryset):
        if self.value() in {"overdue", "soon"}:
            return queryset.filter(selectors.review_due_filter(self.value()))
        return queryset


@admin.register(Leaflet)
class LeafletAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "current_version", "open_draft", "review_due"]
    list_filter = [ReviewDueFilter, "topic"]
    search_fields = ["name", "slug", "topic", "tags", "versions__title"]
    fields = ["name", "slug", "topic", "tags", "review_interval_months", "owner"]
    change_form_template = "admin/education/leaflet/change_form.html"
    object_history_template = "admin/education/history.html"

    def get_queryset(self, request):
        return selectors.leaflets_for_admin()

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False  # leaflets are retired, never deleted: their history must stay

    @admin.display(description=gettext_lazy("published version"), ordering="published_number")
    def current_version(self, obj):
        if obj.published_number is None:
            return _("none")
        return f"v{obj.published_number}: {obj.published_title}"

    @admin.display(description=gettext_lazy("open draft"))
    def open_draft(self, obj):
        if obj.open_status is None:
            return "–"
        return f"v{obj.open_number} ({Status(obj.open_status).label})"

    @admin.display(description=gettext_lazy("review due"), ordering="published_review_due")
    def review_due(self, obj):
        due = obj.published_review_due
        if due is None:
            return "–"
        if due < timezone.localdate():
            return format_html(
                '<strong class="overdue">{}</strong>', _("OVERDUE since %(date)s") % {"date": date_format(due, "j M Y")}
            )
        return due.isoformat()

    def save_model(self, request, obj, form, change):
        if change:
            services.leaflet_update(leaflet=obj, user=request.user, changed=form.changed_data)
        else:
            created = services.leaflet_create(
                user=request.user,
                slug=obj.slug,
                name=obj.name,
                topic=obj.topic,
                tags=obj.tags,
                review_interval_months=obj.review_interval_months,
                owner=obj.owner,
            )
            obj.pk = created.pk

    def get_urls(self):
        return [
            path(
                "<int:pk>/new-draft/",
                self.admin_site.admin_view(self.new_draft_view),
                name="education_leaflet_new_draft",
            ),
            path("<int:pk>/retire/", self.admin_site.admin_view(self.retire_view), name="education_leaflet_retire"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        leaflet = self.get_object(request, object_id)
        extra = {}
        if leaflet is not None:
            versions = list(
                leaflet.versions.select_related("created_by", "approved_by", "translation_of").order_by(
                    "language", "-number"
                )
            )
            published = {v.language: v.number for v in versions if v.status == Status.PUBLISHED}
            extra = {
                "versions": versions,
                # Translations (not yet retired or discarded) whose source has a newer published version.
                "out_of_date": {
                    v.pk
                    for v in versions
                    if v.translation_of is not None
                    and v.status in (Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED)
                    and published.get(v.translation_of.language, 0) > v.translation_of.number
                },
                "can_edit": services.can_edit(request.user),
                "can_retire": services.can_retire(request.user)
                and leaflet.versions.filter(status=Status.PUBLISHED).exists(),
                "new_draft_form": NewDraftForm(),
            }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def new_draft_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        leaflet = get_object_or_404(Leaflet, pk=pk)
        if not services.can_edit(request.user):
            raise PermissionDenied
        form = NewDraftForm(request.POST)
        back = reverse("admin:education_leaflet_change", args=[pk])
        if not form.is_valid():
            messages.error(request, _("Choose a language for the new draft."))
            return HttpResponseRedirect(back)
        language = form.cleaned_data["language"]
        try:
            based_on, translation_of = selectors.draft_sources(
                leaflet=leaflet, language=language, based_on_id=form.cleaned_data.get("based_on")
            )
        except LeafletVersion.DoesNotExist:
            messages.error(request, _("That version does not belong to this leaflet."))
            return HttpResponseRedirect(back)
        try:
            with not_permitted_as_403():
                version = services.version_create_draft(
                    leaflet=leaflet,
                    user=request.user,
                    language=language,
                    based_on=based_on,
                    translation_of=translation_of,
                )
        except services.WorkflowError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(back)
        messages.success(request, _("Draft version %(number)d created. Edit it below.") % {"number": version.number})
        return HttpResponseRedirect(_version_url(version))

    def retire_view(self, request, pk):
        leaflet = get_object_or_404(Leaflet, pk=pk)
        if not services.can_retire(request.user):
            raise PermissionDenied
        form = CommentForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.leaflet_retire(leaflet=leaflet, user=request.user, comment=form.cleaned_data["comment"])
            except services.WorkflowError as error:
                form.add_error("comment", str(error))
            else:
                messages.success(request, _("%(name)s is withdrawn: patients no longer see it.") % {"name": leaflet})
                return HttpResponseRedirect(reverse("admin:education_leaflet_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "leaflet": leaflet,
            "form": form,
            "title": _("Retire %(name)s") % {"name": leaflet},
        }
        return TemplateResponse(request, "admin/education/leaflet/retire.html", context)

    def history_view(self, request, object_id, extra_context=None):
        return history_page(self, request, object_id, events=selectors.leaflet_events)


# --- versions ---------------------------------------------------------------------------------------------


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
    list_filter = ["status", "language", "leaflet"]
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
                "based_on", "translation_of", "content_hash", "handed_out"]  # fmt: skip

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("leaflet", "created_by", "approved_by")
            .annotate(handed_out_count=Count("handout_items"), source_is_newer=selectors.source_is_newer())
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
        score = readability(
            title=obj.title,
            summary=obj.summary,
            body=obj.body,
            help_signs=[sign.text for sign in obj.help_signs.all()],
            language=obj.language,
        )
        if score.score is None:
            if score.words < 10:
                return _("Not enough text to measure yet.")
            return _("Readability is not measured for this language (%(words)d words).") % {"words": score.words}
        if score.formula == "flesch-kincaid":
            name, target = (
                _("Flesch-Kincaid grade"),
                _("target %(grade)d or lower") % {"grade": READABILITY_TARGET_GRADE},
            )
            advice = _("ABOVE the target: use shorter sentences and words")
        else:
            name, target = (
                _("Flesch reading ease for this language"),
                _("target %(score)d or higher") % {"score": READING_EASE_TARGET},
            )
            advice = _("BELOW the target: use shorter sentences and words")
        verdict = _("meets the target") if score.meets_target else advice
        return format_html(
            "{} <strong>{}</strong> ({}) – {}; {} {}",
            name,
            f"{score.score:.1f}",
            target,
            verdict,
            score.words,
            _("words"),
        )

    @admin.display(description=gettext_lazy("body"))
    def rendered_body(self, obj):
        return format_html('<div class="leaflet-body-preview">{}</div>', obj.body_html())

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
        services.version_edit_draft(
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
            with not_permitted_as_403():
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
                "comment_form": CommentForm(),
                "compare_with": compare_with,
                "newer_source": version.newer_source(),
                "is_contributor": services.is_contributor(version=version, user=request.user),
                "sent_back": sent_back if version.status == Status.DRAFT else None,
                "sent_back_content": sent_back is not None and isinstance(sent_back.content, dict),
            }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def get_urls(self):
        return [
            path(
                "<int:pk>/workflow/<slug:action>/",
                self.admin_site.admin_view(self.workflow_view),
                name="education_leafletversion_workflow",
            ),
            path(
                "<int:pk>/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="education_leafletversion_compare",
            ),
            path(
                "<int:pk>/compare/sent-back/",
                self.admin_site.admin_view(self.compare_sent_back_view),
                name="education_leafletversion_compare_sent_back",
            ),
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="education_leafletversion_preview",
            ),
            *super().get_urls(),
        ]

    WORKFLOW = {
        "submit": (services.version_submit, gettext_lazy("Submitted for clinical review.")),
        "approve": (services.version_approve_and_publish, gettext_lazy("Approved and published. Patients now see this version.")),
        "send_back": (services.version_send_back, gettext_lazy("Sent back to the authors as a draft.")),
        "discard": (services.version_discard, gettext_lazy("Draft discarded.")),
        "catch_up": (services.version_translation_catch_up, gettext_lazy("The translation is now marked as up to date with its source.")),
    }  # fmt: skip

    def workflow_view(self, request, pk, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        version = get_object_or_404(LeafletVersion.objects.select_related("leaflet"), pk=pk)
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        form = CommentForm(request.POST)
        comment = form.cleaned_data["comment"] if form.is_valid() else None
        if comment is None:
            messages.error(request, _("The comment is too long (2000 characters at most)."))
            return HttpResponseRedirect(_version_url(version))
        if action == "discard" and request.POST.get("confirm") != "yes":
            messages.error(request, _("Not discarded: tick the box to confirm that this version should be discarded."))
            return HttpResponseRedirect(_version_url(version))
        if action == "retire":
            service, done = services.leaflet_retire, _("Retired: patients no longer see this leaflet.")
            kwargs = {"leaflet": version.leaflet, "language": version.language}
        elif action in self.WORKFLOW:
            service, done = self.WORKFLOW[action]
            kwargs = {"version": version}
        else:
            raise Http404
        try:
            with not_permitted_as_403():
                service(user=request.user, comment=comment, **kwargs)
        except services.WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, str(done))
        return HttpResponseRedirect(_version_url(version))

    def compare_view(self, request, pk):
        version = get_object_or_404(LeafletVersion.objects.select_related("leaflet"), pk=pk)
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        others = version.leaflet.versions.order_by("language", "-number")
        against_id = request.GET.get("against", "")
        if against_id:
            if selectors.parse_id(against_id) is None:
                raise Http404
            against = get_object_or_404(others, pk=selectors.parse_id(against_id))
        else:
            against = selectors.default_comparison(version)
        old, new = (
            (against, version)
            if against and (against.number, against.pk) < (version.number, version.pk)
            else (version, against)
        )
        all_lines = compare_versions(old, new) if against else []
        whole_text = request.GET.get("whole") == "1"
        lines = all_lines if whole_text else [line for line in all_lines if line.change != "same"]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "version": version,
            "against": against,
            "old": old,
            "new": new,
            "others": others,
            "lines": lines,
            "whole_text": whole_text,
            "unchanged": sum(1 for line in all_lines if line.change == "same"),
            "old_heading": f"v{old.number} ({old.get_status_display()})" if against else "",
            "new_heading": f"v{new.number} ({new.get_status_display()})" if against else "",
            "title": _("Compare versions of %(name)s") % {"name": version.leaflet},
        }
        return TemplateResponse(request, "admin/education/leafletversion/compare.html", context)

    def compare_sent_back_view(self, request, pk):
        """A resubmitted (or reworked) version against the content its reviewer sent back."""
        version = get_object_or_404(LeafletVersion.objects.select_related("leaflet"), pk=pk)
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        event = selectors.last_sent_back(version)
        if event is None or not isinstance(event.content, dict):
            raise Http404(_("This version has not been sent back since such records began."))
        all_lines = compare_versions(ContentSnapshot.from_data(event.content), version)
        whole_text = request.GET.get("whole") == "1"
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "version": version,
            "event": event,
            "lines": all_lines if whole_text else [line for line in all_lines if line.change != "same"],
            "whole_text": whole_text,
            "unchanged": sum(1 for line in all_lines if line.change == "same"),
            "old_heading": _("As sent back"),
            "new_heading": _("Now (%(status)s)") % {"status": version.get_status_display()},
            "title": _("Changes since it was sent back: %(version)s") % {"version": version},
        }
        return TemplateResponse(request, "admin/education/leafletversion/compare_sent_back.html", context)

    def preview_view(self, request, pk):
        version = get_object_or_404(LeafletVersion.objects.select_related("leaflet"), pk=pk)
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        response = TemplateResponse(
            request,
            "education/leaflet_preview.html",
            {"version": version, "clinic": selectors.default_clinic(), "newer": None},
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def history_view(self, request, object_id, extra_context=None):
        return history_page(self, request, object_id, events=selectors.version_events)


class ShareLinkStatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("working", _("Working")),
            ("expired", _("Expired")),
            ("revoked", _("Revoked")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "working":
            return queryset.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
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
        return super().get_queryset(request).prefetch_related("handouts")

    @admin.display(description=gettext_lazy("leaflet version"), ordering="version__leaflet__name")
    def leaflet_version(self, obj):
        return f"{obj.version.leaflet.name} v{obj.version.number} ({obj.version.language})"

    @admin.display(description=gettext_lazy("how shared"))
    def how_shared(self, obj):
        channels = sorted({handout.get_channel_display() for handout in obj.handouts.all()})
        return ", ".join(str(channel) for channel in channels) or "–"

    @admin.display(description=gettext_lazy("status"))
    def link_status(self, obj):
        if obj.revoked_at:
            return _("Revoked %(date)s") % {"date": date_format(timezone.localtime(obj.revoked_at), "j M Y")}
        if obj.expires_at and obj.expires_at <= timezone.now():
            return _("Expired %(date)s") % {"date": date_format(timezone.localtime(obj.expires_at), "j M Y")}
        if obj.expires_at:
            return _("Works until %(date)s") % {"date": date_format(timezone.localtime(obj.expires_at), "j M Y")}
        return _("Works (no expiry)")

    readonly_fields = [
        "version", "clinic", "created_by", "created_at", "expires_at", "revoked_at", "revoked_by", "view_count",
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


# --- handout records and staff-only handout PDFs ----------------------------------------------------------


@admin.register(Handout)
class HandoutAdmin(ReadOnlyAdmin):
    """Read-only: which versions reached patients, for which clinic, how, when and (for staff) by whom.

    It also serves the staff-only PDF of any version: drafts carry a "DRAFT - not for patients" watermark.
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
            path(
                "version/<int:pk>/handout.pdf",
                self.admin_site.admin_view(self.version_pdf_view),
                name="education_handout_version_pdf",
            ),
            *super().get_urls(),
        ]

    def version_pdf_view(self, request, pk):
        """Any version as a handout, for staff who may see it (?clinic=, paper=, large= as on the public URL).

        Drafts and versions in review are watermarked and never cached; a published version printed here is
        recorded as printed by this user."""
        from django.http import HttpResponse

        from education import pdf
        from education.forms import HandoutQueryForm

        version = get_object_or_404(
            LeafletVersion.objects.select_related("leaflet").prefetch_related("help_signs"), pk=pk
        )
        if not self.admin_site.get_model_admin(LeafletVersion).has_view_permission(request, version):
            raise PermissionDenied
        if version.status == Status.DISCARDED:
            raise Http404("Discarded versions are not printed.")
        form = HandoutQueryForm(request.GET)
        if not form.is_valid():
            messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
            return HttpResponseRedirect(_version_url(version))
        options = form.cleaned_data
        clinic = options["clinic"] or selectors.default_clinic()
        handout_options = pdf.HandoutOptions(paper=options["paper"] or "a4", large_print=options["large"] == "1")
        try:
            data = pdf.handout_pdf(versions=[version], clinic=clinic, options=handout_options)
        except pdf.HandoutError:
            messages.error(request, _("The handout could not be made just now. Please try again."))
            return HttpResponseRedirect(_version_url(version))
        if version.status == Status.PUBLISHED:
            services.handout_record(
                versions=[version],
                channel=Handout.Channel.PRINT,
                clinic=clinic,
                user=request.user,
                options=handout_options.record_options(),
            )
        response = HttpResponse(data, content_type="application/pdf")
        suffix = "" if version.is_public else "-draft"
        response["Content-Disposition"] = f'inline; filename="{version.leaflet.slug}-v{version.number}{suffix}.pdf"'
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


# --- review reminders -------------------------------------------------------------------------------------


@admin.register(ReviewReminder)
class ReviewReminderAdmin(ReadOnlyAdmin):
    """Read-only: which leaflet owners were reminded of a clinical review, and when (manage.py review_reminders)."""

    list_display = ["sent_on", "leaflet", "recipient", "review_due"]
    list_filter = ["sent_on"]
    search_fields = ["leaflet__name", "leaflet__slug", "recipient__username"]
    list_select_related = ["leaflet", "recipient"]
    date_hierarchy = "sent_on"
