"""Forms (education/forms.py) and the handout query path built on them (education/handouts.py): bad input is
refused with a message naming what is wrong, good input comes out typed."""

import pytest
from django.http import QueryDict

from clinic.models import Clinic
from education import pdf
from education.forms import CommentForm, HandoutQueryForm, NewDraftForm
from education.handouts import BadHandoutQuery, handout_filename, read_handout_query
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic():
    return Clinic.objects.create(name="Riverside", slug="riverside", is_default=True)


def test_a_handout_query_becomes_typed_options(clinic):
    query = read_handout_query(QueryDict("clinic=riverside&paper=letter&large=1&lang=fr"))
    assert query.clinic == clinic and query.language == "fr"
    assert (query.options.paper, query.options.large_print, query.options.note) == ("letter", True, "")
    empty = read_handout_query(QueryDict(""))
    assert (empty.clinic, empty.language, empty.options) == (None, None, pdf.HandoutOptions())


def test_an_unsupported_language_falls_back_instead_of_failing():
    assert read_handout_query(QueryDict("lang=xx-klingon")).language is None


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("clinic=nowhere", "clinic", "There is no clinic with the short name nowhere."),
        ("clinic=not a slug", "clinic", "Enter a valid"),
        ("paper=a5", "paper", "Select a valid choice."),
        ("large=yes", "large", "Select a valid choice."),
        ("paper=a4&paper=letter", "__all__", "Give each option once (repeated: paper)."),
        ("note=Take+two+tablets", "__all__", "A note can only be added by clinic staff"),
    ],
)
def test_a_bad_handout_query_names_the_bad_parameter(clinic, query, field, message):
    with pytest.raises(BadHandoutQuery) as bad:
        read_handout_query(QueryDict(query))
    assert field in bad.value.errors
    assert any(message in text for text in bad.value.messages())
    assert not HandoutQueryForm(QueryDict(query)).is_valid()


def test_handout_file_names_say_which_version_and_language_and_mark_drafts(editor, approver):
    published = factories.make_published(author=editor, approver=approver)
    draft = factories.make_draft(author=editor)
    slug, other = published.leaflet.slug, draft.leaflet.slug
    assert handout_filename([published]) == f"{slug}-v1-en.pdf"
    assert handout_filename([draft]) == f"{other}-v1-en-draft.pdf"
    assert handout_filename([published, draft]) == f"{slug}-v1-en+{other}-v1-en-draft.pdf"
    assert handout_filename([published] * 5) == "handout-5-leaflets-en.pdf"  # too long to name each
    assert handout_filename([published, draft] * 3) == "handout-6-leaflets-en-draft.pdf"
    assert handout_filename([]) == "handout.pdf"


def test_a_new_draft_needs_a_known_language():
    assert NewDraftForm({"language": "fr"}).is_valid()
    assert not NewDraftForm({"language": "xx"}).is_valid()
    assert not NewDraftForm({}).is_valid()
    assert not NewDraftForm({"language": "en", "based_on": "abc"}).is_valid()


def test_a_comment_is_optional_but_limited_to_2000_characters():
    assert CommentForm({}).is_valid()
    assert CommentForm({"comment": "x" * 2000}).is_valid()
    assert not CommentForm({"comment": "x" * 2001}).is_valid()
