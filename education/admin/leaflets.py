"""Leaflets: the list with review dates, the page with every version, and what can be done from it."""

from __future__ import annotations

from functools import partial

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from education import selectors, services
from education.admin.codes import LeafletCodeInline, save_codes
from education.admin.views import history, register, workflow
from education.forms import NewDraftForm, NewLeafletForm
from education.models import Leaflet, LeafletCode, LeafletVersion

Status = LeafletVersion.Status


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
    inlines = [LeafletCodeInline]
    change_form_template = "admin/education/leaflet/change_form.html"
    object_history_template = "admin/education/history.html"

    def get_queryset(self, request):
        return selectors.leaflets_for_admin()

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = NewLeafletForm
            kwargs["fields"] = [*self.fields, "language"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return self.fields if obj else [*self.fields, "language"]

    def get_prepopulated_fields(self, request, obj=None):
        # The address is filled in from the name while typing (Django's prepopulate script), only when adding.
        return {} if obj else {"slug": ["name"]}

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
            if services.can_edit(request.user):
                # The first draft is opened at once (in the same transaction as the leaflet).
                request._first_draft = services.version_create_draft(
                    leaflet=created,
                    user=request.user,
                    language=form.cleaned_data["language"],
                    change_note=_("First version of this leaflet."),
                )

    def response_add(self, request, obj, post_url_continue=None):
        draft = getattr(request, "_first_draft", None)
        if draft is None or "_addanother" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        messages.success(
            request,
            _("Leaflet “%(name)s” created. Its first draft is open: write it, save, then submit it for review.")
            % {"name": obj.name},
        )
        return HttpResponseRedirect(reverse("admin:education_leafletversion_change", args=[draft.pk]))

    def get_inlines(self, request, obj):
        # A form sent without the codes table (a script, an older page) leaves the codes as they are.
        if request.method == "POST" and "codes-TOTAL_FORMS" not in request.POST:
            return []
        return super().get_inlines(request, obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is LeafletCode:
            save_codes(request=request, leaflet=form.instance, formset=formset)  # recorded as a detail change
        else:
            super().save_formset(request, form, formset, change)

    def get_urls(self):
        return [
            path(
                "register/",
                self.admin_site.admin_view(partial(register.register_view, model_admin=self)),
                name="education_leaflet_register",
            ),
            path(
                "register.csv",
                self.admin_site.admin_view(partial(register.register_csv_view, model_admin=self)),
                name="education_leaflet_register_csv",
            ),
            path(
                "<int:pk>/new-draft/",
                self.admin_site.admin_view(partial(workflow.new_draft_view, model_admin=self)),
                name="education_leaflet_new_draft",
            ),
            path(
                "<int:pk>/retire/",
                self.admin_site.admin_view(partial(workflow.retire_view, model_admin=self)),
                name="education_leaflet_retire",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        leaflet = self.get_object(request, object_id)
        extra = {}
        if leaflet is not None:
            versions = list(
                leaflet.versions.select_related("created_by", "approved_by", "translation_of")
                .with_translation_state()
                .order_by("language", "-number")
            )
            extra = {
                "versions": versions,
                # Translations (not yet retired or discarded) whose source has a newer published version.
                "out_of_date": {
                    v.pk
                    for v in versions
                    if v.source_is_newer and v.status in (Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED)
                },
                "can_edit": services.can_edit(request.user),
                "can_retire": services.can_retire(request.user),
                "has_public": leaflet.versions.filter(
                    status__in=LeafletVersion.PUBLIC_STATUSES, withdrawn_at__isnull=True
                ).exists(),
                "draft_languages": {v.language for v in versions if v.status != Status.DISCARDED},
                "new_draft_form": NewDraftForm(),
            }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def history_view(self, request, object_id, extra_context=None):
        return history.history_page(
            self,
            request,
            object_id,
            events=selectors.leaflet_events,
            detail_changes=selectors.leaflet_detail_changes,
            hand_outs=selectors.leaflet_hand_outs,
        )
