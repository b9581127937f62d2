"""Staff forms. Validation here gives the friendly message; the services and the database check again."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from education.content import sanitise_body
from education.models import LeafletVersion


class LeafletVersionForm(forms.ModelForm):
    """The draft editor. Carries the edit count it was opened at, so a stale form cannot overwrite newer work."""

    seen_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = LeafletVersion
        fields = ["title", "summary", "body", "references", "change_note"]
        widgets = {
            "title": forms.TextInput(attrs={"class": "vLargeTextField", "size": 80}),
            "summary": forms.Textarea(attrs={"rows": 3, "cols": 80}),
            "references": forms.Textarea(attrs={"rows": 6, "cols": 80}),
            "change_note": forms.TextInput(attrs={"size": 80}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "seen_revision" not in self.initial:
            self.initial["seen_revision"] = self.instance.revision

    def clean_body(self):
        body = sanitise_body(self.cleaned_data.get("body", ""))
        limit = settings.LEAFLET_MAX_BODY_CHARS
        if len(body) > limit:
            raise forms.ValidationError(
                _("The body is too long (%(n)d characters; the limit is %(limit)d). Split it into two leaflets."),
                params={"n": len(body), "limit": limit},
            )
        return body

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            if self.instance.status != LeafletVersion.Status.DRAFT:
                raise forms.ValidationError(_("Only drafts can be edited; this version is no longer a draft."))
            seen = cleaned.get("seen_revision")
            if seen is not None and seen != self.instance.revision:
                raise forms.ValidationError(
                    _(
                        "Someone saved this draft after you opened it (your copy is edit %(seen)d, the saved draft is "
                        "edit %(current)d). Your changes are NOT saved. Copy your text, reload the page to see the "
                        "other changes, then edit again."
                    ),
                    params={"seen": seen, "current": self.instance.revision},
                    code="stale",
                )
        return cleaned


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class NewDraftForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=[])
    based_on = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = settings.LANGUAGES
