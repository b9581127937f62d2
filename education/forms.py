"""Staff forms. Validation here gives the friendly message; the services and the database check again."""

import datetime
import re
import secrets

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.models import Clinic
from education import languages, pdf, selectors
from education.content import MAX_LIST_DEPTH, list_depth, removed_by_sanitiser, sanitise_body
from education.figures import prepare_upload
from education.models import Leaflet, LeafletVersion
from education.services import CHANGE_NOTE_PROMPT


def _as_id(value):
    """Refuse values that cannot be a primary key before they reach the database (a 20-digit number makes
    SQLite raise OverflowError instead of 'not found')."""
    if value in forms.Field.empty_values:
        return value
    if selectors.parse_id(str(value)) is None:
        raise forms.ValidationError(_("Select a valid choice."), code="invalid_choice")
    return value


class IdChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        return super().to_python(_as_id(value))


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for item in value:
            try:
                _as_id(item)
            except forms.ValidationError:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                ) from None
        return super()._check_values(value)


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
        self.removed_from_body: list[str] = []
        if self.instance.pk and "seen_revision" not in self.initial:
            self.initial["seen_revision"] = self.instance.revision
        # Spell-check in the version's own language on everything patients read (the body's rich-text editor
        # takes these from its textarea: static/js/editor.js).
        language = self.instance.language or settings.LANGUAGE_CODE
        for name in ("title", "summary", "body"):
            if name in self.fields:
                self.fields[name].widget.attrs.update({"spellcheck": "true", "lang": language})
        if "change_note" in self.fields:
            # A new draft holds a prompt instead of a note (the database needs a note): show an empty box that
            # asks for one, never the prompt as text that would be saved as if someone had written it.
            field = self.fields["change_note"]
            field.required = False
            field.widget.attrs["placeholder"] = _("Describe what you changed and why.")
            if CHANGE_NOTE_PROMPT in (self.instance.change_note or ""):
                self.initial["change_note"] = ""

    def clean_change_note(self):
        note = " ".join((self.cleaned_data.get("change_note") or "").split())
        if CHANGE_NOTE_PROMPT in note:
            note = note.replace(CHANGE_NOTE_PROMPT, "").strip()
        if note:
            return note
        if CHANGE_NOTE_PROMPT in (self.instance.change_note or ""):
            return self.instance.change_note  # still unwritten: kept as it was; submitting asks for a note
        raise forms.ValidationError(_("Say what changed in this version and why (the reviewer reads it)."))

    def clean_body(self):
        raw = self.cleaned_data.get("body", "")
        body = sanitise_body(raw)
        self.removed_from_body = removed_by_sanitiser(raw, body)
        limit = settings.LEAFLET_MAX_BODY_CHARS
        if len(body) > limit:
            raise forms.ValidationError(
                _("The body is too long (%(n)d characters; the limit is %(limit)d). Split it into two leaflets."),
                params={"n": len(body), "limit": limit},
            )
        if list_depth(body) > MAX_LIST_DEPTH:
            raise forms.ValidationError(
                _("Lists can be nested at most %(n)d levels deep; patients cannot follow more. Flatten the list."),
                params={"n": MAX_LIST_DEPTH},
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


SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class NewLeafletForm(forms.ModelForm):
    """A new leaflet in one step: its name, its address (filled in from the name by the admin's script and
    editable), and the language of the first draft, which is opened at once."""

    language = forms.ChoiceField(
        label=_("Language of the first draft"),
        choices=[],
        help_text=_("The draft opens as soon as the leaflet is saved. Translations can be added later."),
    )

    class Meta:
        model = Leaflet
        fields = ["name", "slug", "topic", "tags", "review_interval_months", "owner"]
        error_messages = {
            "slug": {"unique": _("Another leaflet already has this address. Choose a different one.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = settings.LANGUAGES
        self.fields["language"].initial = settings.LANGUAGE_CODE
        slug = self.fields["slug"]
        slug.validators = [v for v in slug.validators if not hasattr(v, "regex")]
        slug.help_text = _(
            "The end of the leaflet's web address, filled in from the name: milia-aftercare gives "
            "/leaflets/milia-aftercare/. Lower-case letters, numbers and hyphens. It never changes once saved: "
            "patients' links and QR codes use it."
        )

    def clean_slug(self):
        slug = (self.cleaned_data.get("slug") or "").strip()
        if not SLUG_PATTERN.match(slug):
            raise forms.ValidationError(
                _(
                    "The address can only use lower-case letters (a to z, no accents), numbers and single hyphens "
                    "between words, with no spaces, e.g. milia-aftercare."
                ),
                code="invalid",
            )
        return slug


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


def _out_of_date_mark(version) -> str:
    if not getattr(version, "source_is_newer", False):
        return ""
    return " — " + str(_("translation out of date"))


def _picker(form: forms.Form, name: str, search: str) -> selectors.StaffPicker:
    """The versions a leaflet picker offers: those the search finds, plus those the form already holds (sent,
    or chosen in advance), so that a choice made before filtering is still valid."""
    if form.is_bound:
        values = form.data.getlist(name) if hasattr(form.data, "getlist") else [form.data.get(name)]
    else:
        initial = form.initial.get(name)
        values = initial if isinstance(initial, list | tuple) else [initial]
    chosen = [selectors.parse_id(str(value)) for value in values[:50] if value is not None]
    return selectors.published_for_staff_picker(search_text=search, chosen_ids=chosen, labels_only=not form.is_bound)


FORM_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32,100}$")


class ShareForm(forms.Form):
    """Staff: share one published leaflet with a patient as a link, a QR code or an email.

    The email address and message are used once to send the email and are never stored or logged.

    `form_key` is a random one-time key put in the form when it is shown. The link made from the form keeps
    its hash, so the same form submitted again (a refreshed result page) is refused instead of sending twice.
    """

    CHANNELS = [
        ("link", _("Copy the link (to paste into a message or patient portal)")),
        ("qr", _("Show or print a QR code")),
        ("email", _("Email the link to the patient")),
    ]
    EXPIRY_CHOICES = [
        ("30", _("30 days")),
        ("7", _("7 days")),
        ("90", _("90 days")),
        ("365", _("1 year")),
        ("", _("Never")),
    ]

    version = IdChoiceField(
        label=_("Leaflet"),
        queryset=LeafletVersion.objects.none(),
        empty_label=_("Choose a leaflet"),  # never a leaflet nobody chose
        widget=forms.Select,
        error_messages={"required": _("Choose the leaflet to share.")},
    )
    clinic = IdChoiceField(label=_("Clinic (branding and contact details)"), queryset=None, empty_label=None)
    channel = forms.ChoiceField(label=_("How will the patient get it?"), choices=CHANNELS, widget=forms.RadioSelect)
    expires_in = forms.ChoiceField(label=_("Link stops working after"), choices=EXPIRY_CHOICES, required=False)
    email = forms.EmailField(
        label=_("Patient's email address"),
        required=False,
        max_length=254,
        help_text=_("Used only to send this email: kept sealed until it has gone, then erased."),
    )
    message = forms.CharField(
        label=_("Short message (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Not stored. Do not include clinical details: email is not a secure channel."),
    )
    form_key = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args, search: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["form_key"].initial = secrets.token_urlsafe(32)  # used only when the form is shown afresh
        self.picker = _picker(self, "version", search)
        self.fields["version"].queryset = self.picker.versions
        self.fields["version"].label_from_instance = lambda v: (
            f"{v.title} (v{v.number}, {v.language}){_out_of_date_mark(v)}"
        )
        self.fields["clinic"].queryset = Clinic.objects.order_by("-is_default", "name")
        self.fields["channel"].initial = "link"
        self.fields["expires_in"].initial = "30"
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_email(self):
        email = self.cleaned_data.get("email", "")
        if any(character in email for character in "\r\n"):
            raise forms.ValidationError(_("Enter a valid email address."))
        return email

    def clean_message(self):
        message = self.cleaned_data.get("message", "")
        return message.replace("\r\n", "\n").strip()

    def clean(self):
        cleaned = super().clean()
        # A form shown by this page always has a key; one without (a page from before keys, a script) is not
        # guarded against a second submission. A malformed key is an error at the top: the field is hidden.
        key = cleaned.get("form_key")
        if key and not FORM_KEY_PATTERN.match(key):
            self.add_error(None, _("This form is out of date. Reload the page and fill it in again."))
        channel = cleaned.get("channel")
        if channel == "email" and not cleaned.get("email"):
            self.add_error("email", _("Enter the patient's email address to send the link."))
        if channel in ("link", "qr"):
            # An address or message typed here would silently go nowhere: say so instead.
            if cleaned.get("email"):
                self.add_error(
                    "email",
                    _(
                        "An email address is used only when the link is sent by email. Choose “Email the link to "
                        "the patient”, or clear this box."
                    ),
                )
            if cleaned.get("message"):
                self.add_error(
                    "message",
                    _(
                        "A message is sent only with an email. Choose “Email the link to the patient”, or clear "
                        "this box."
                    ),
                )
        days = cleaned.get("expires_in")
        cleaned["expires_at"] = timezone.now() + datetime.timedelta(days=int(days)) if days else None
        return cleaned


# --- handouts ---------------------------------------------------------------------------------------------

PAPER_CHOICES = [("a4", _("A4")), ("letter", _("US Letter"))]


class HandoutForm(forms.Form):
    """Staff: print a handout of one or more published leaflets for the patient in front of them.

    The note is printed in its own box and never stored or logged (the view marks it sensitive).
    """

    versions = IdMultipleChoiceField(
        label=_("Leaflets"),
        queryset=LeafletVersion.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one leaflet.")},
    )
    clinic = IdChoiceField(label=_("Clinic (logo, colours and contact details)"), queryset=None, empty_label=None)
    paper = forms.ChoiceField(label=_("Paper size"), choices=PAPER_CHOICES, initial="a4", widget=forms.RadioSelect)
    large_print = forms.BooleanField(
        label=_("Large print (text at least 16 pt)"),
        required=False,
        help_text=_("For patients with poor eyesight. The handout has more pages."),
    )
    note = forms.CharField(
        label=_("Note for the patient (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Printed in its own box on the first page. It is not stored anywhere. Do not write the patient's "
            "name or other personal details."
        ),
    )

    def __init__(self, *args, search: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.max_versions = pdf.MAX_VERSIONS
        self.picker = _picker(self, "versions", search)
        self.fields["versions"].queryset = self.picker.versions
        language_names = dict(settings.LANGUAGES)
        self.fields["versions"].label_from_instance = lambda v: (
            f"{v.title} (v{v.number}, {language_names.get(v.language, v.language)}){_out_of_date_mark(v)}"
        )
        self.fields["versions"].help_text = _("Choose up to %(n)d. Each leaflet starts on a new page.") % {
            "n": pdf.MAX_VERSIONS
        }
        self.fields["clinic"].queryset = Clinic.objects.order_by("-is_default", "name")
        self.fields["clinic"].required = Clinic.objects.exists()
        note = self.fields["note"]
        note.max_length = pdf.MAX_NOTE_CHARS
        note.validators.append(MaxLengthValidator(pdf.MAX_NOTE_CHARS))
        note.widget.attrs["maxlength"] = str(pdf.MAX_NOTE_CHARS)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_versions(self):
        versions = list(self.cleaned_data["versions"])
        if len(versions) > self.max_versions:
            raise forms.ValidationError(
                _("Choose at most %(n)d leaflets for one handout (you chose %(chosen)d)."),
                params={"n": self.max_versions, "chosen": len(versions)},
            )
        return versions

    def clean_note(self):
        return self.cleaned_data.get("note", "").replace("\r\n", "\n").strip()


class HandoutQueryForm(forms.Form):
    """The options of a public handout address: ?clinic=<slug>&paper=a4|letter&large=1&lang=en.

    Each option may be given once. A note can never be added from a public address: it would print
    someone's words under the clinic's name.
    """

    clinic = forms.SlugField(required=False, max_length=60)
    paper = forms.ChoiceField(choices=PAPER_CHOICES, required=False)
    large = forms.ChoiceField(choices=[("0", _("no")), ("1", _("yes"))], required=False)
    lang = forms.CharField(required=False, max_length=35)

    def clean_lang(self):
        """An unknown or unsupported language is not an error: the handout falls back like the web page."""
        return languages.supported(self.cleaned_data.get("lang"))

    def clean_clinic(self):
        slug = self.cleaned_data.get("clinic")
        if not slug:
            return None
        clinic = Clinic.objects.filter(slug=slug).first()
        if clinic is None:
            raise forms.ValidationError(_("There is no clinic with the short name %(slug)s."), params={"slug": slug})
        return clinic

    def clean(self):
        cleaned = super().clean()
        if "note" in self.data:
            raise forms.ValidationError(_("A note can only be added by clinic staff, not from a web address."))
        repeated = [name for name in self.fields if len(self.data.getlist(name)) > 1]
        if repeated:
            raise forms.ValidationError(
                _("Give each option once (repeated: %(names)s)."), params={"names": ", ".join(repeated)}
            )
        return cleaned


class FigureForm(forms.Form):
    """A figure's words: alt text (required here; the service also refuses submission without it), caption,
    the heading it follows and its order."""

    alt_text = forms.CharField(
        label=_("Alt text"),
        max_length=300,
        help_text=_("What the picture shows, for someone who cannot see it (read aloud by screen readers)."),
    )
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False)
    after_heading = forms.CharField(
        label=_("After heading"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"list": "body-headings"}),  # the figures page lists the body's headings
        help_text=_("A heading of the body, word for word; leave empty to show the picture after the body."),
    )
    position = forms.IntegerField(label=_("Order"), min_value=0, max_value=1000, required=False)
    seen_revision = forms.IntegerField(widget=forms.HiddenInput)


class FigureAddForm(FigureForm):
    """A new figure: the picture is checked and re-encoded here (education.figures), with a clear message
    for SVG, oversized or corrupt files."""

    picture = forms.FileField(label=_("Picture (PNG or JPEG, at most 5 MB)"))
    position = None  # a new figure comes after the others
    field_order = ["picture", "alt_text", "caption", "after_heading"]

    def clean_picture(self):
        return prepare_upload(self.cleaned_data["picture"])
