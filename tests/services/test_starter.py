"""The bundled starter leaflets (education/services/starter.py)."""

import copy

import pytest

from education import services
from education.models import Leaflet, LeafletVersion
from education.services import starter
from education.starter_content import STARTER_LEAFLETS
from tests import factories

Status = LeafletVersion.Status
pytestmark = pytest.mark.django_db


def test_starter_leaflets_load_for_review_and_only_once(db):
    loaded = services.starter_leaflets_load()
    assert {v.leaflet.slug for v in loaded} == {"milia-overview", "post-extraction-hygiene", "infection-warning-signs"}
    assert {v.status for v in loaded} == {Status.IN_REVIEW}
    assert services.starter_leaflets_load() == []


def publish_all(versions, approver):
    return [
        services.version_approve_and_publish(
            version=version, content_hash=factories.shown_hash(version), attested=True, user=approver
        )
        for version in versions
    ]


@pytest.fixture
def upgrade(monkeypatch):
    """Call it to bundle a newer text than the one the clinic published (as after an app upgrade)."""

    def newer_bundle():
        bundle = copy.deepcopy(STARTER_LEAFLETS)
        for item in bundle:
            for content in item["versions"].values():
                content["summary"] += " (2027)"
        monkeypatch.setattr(starter, "STARTER_LEAFLETS", bundle)

    return newer_bundle


def test_a_clinic_with_the_leaflets_published_and_the_same_text_gets_nothing_new(approver):
    publish_all(services.starter_leaflets_load(), approver)
    outcomes = services.starter_leaflets_update()
    assert {outcome.outcome for outcome in outcomes} == {"up_to_date"}
    assert not LeafletVersion.objects.filter(status__in=[Status.DRAFT, Status.IN_REVIEW]).exists()


def test_newer_starter_text_is_offered_for_review_and_the_published_versions_do_not_change(approver, upgrade):
    published = publish_all(services.starter_leaflets_load(), approver)
    upgrade()
    before = {(v.pk, v.status, v.content_hash, v.summary) for v in published}

    outcomes = services.starter_leaflets_update()

    assert {outcome.outcome for outcome in outcomes} == {"offered"}
    assert len(outcomes) == 6  # three leaflets, English and French
    for outcome in outcomes:
        offered = outcome.version
        assert offered.status == Status.IN_REVIEW and offered.number == 2
        assert offered.summary.endswith("(2027)")
        assert offered.based_on.status == Status.PUBLISHED and offered.based_on.number == 1
        if offered.language == "fr":
            assert offered.translation_of.language == "en" and offered.translation_of.number == 2
    after = {(v.pk, v.status, v.content_hash, v.summary) for v in LeafletVersion.objects.filter(number=1)}
    assert after == before  # patients keep seeing the approved text until a clinician approves the new one


def test_offering_twice_makes_one_draft_per_leaflet_and_language(approver, upgrade):
    publish_all(services.starter_leaflets_load(), approver)
    upgrade()
    services.starter_leaflets_update()
    count = LeafletVersion.objects.count()

    outcomes = services.starter_leaflets_update()

    assert {outcome.outcome for outcome in outcomes} == {"already_offered"}
    assert LeafletVersion.objects.count() == count
    assert services.starter_leaflets_load() == []


def test_an_open_draft_is_never_overwritten(editor, approver, upgrade):
    publish_all(services.starter_leaflets_load(), approver)
    upgrade()
    leaflet = Leaflet.objects.get(slug="milia-overview")
    published = leaflet.versions.get(language="fr", status=Status.PUBLISHED)
    own = services.version_create_draft(leaflet=leaflet, user=editor, language="fr", based_on=published)
    own = factories.edit(own, user=editor, summary="Le texte de notre cabinet, en cours de rédaction.")

    outcomes = {(o.slug, o.language): o for o in services.starter_leaflets_update()}

    kept = outcomes[("milia-overview", "fr")]
    assert kept.outcome == "open_draft_kept" and kept.version.pk == own.pk
    own.refresh_from_db()
    assert own.status == Status.DRAFT and own.summary == "Le texte de notre cabinet, en cours de rédaction."
    assert leaflet.versions.filter(language="fr").count() == 2
    assert outcomes[("milia-overview", "en")].outcome == "offered"  # the other language still gets it


def test_a_language_the_clinic_never_loaded_is_added(approver):
    publish_all(services.starter_leaflets_load(languages=["en"]), approver)
    outcomes = services.starter_leaflets_update()
    by_language = {(o.language, o.outcome) for o in outcomes}
    assert by_language == {("en", "up_to_date"), ("fr", "added")}
    french = LeafletVersion.objects.filter(language="fr")
    assert {v.status for v in french} == {Status.IN_REVIEW}
    assert all(v.translation_of.status == Status.PUBLISHED for v in french)


def test_text_saved_with_its_whitespace_tidied_still_counts_as_already_offered(monkeypatch):
    bundle = copy.deepcopy(STARTER_LEAFLETS)
    sign = bundle[0]["versions"]["en"]["help_signs"][0]
    sign["text"] = sign["text"].replace(" ", "\u00a0", 1).replace(" ", "  ", 1)
    monkeypatch.setattr(starter, "STARTER_LEAFLETS", bundle)
    services.starter_leaflets_update()

    outcomes = {(o.slug, o.language): o.outcome for o in services.starter_leaflets_update()}

    assert outcomes[("milia-overview", "en")] == "already_offered"


def test_starter_figures_are_attached_when_the_content_names_them(monkeypatch):
    """education/starter_content.py may give a version `"figures"`; each file (in STARTER_FIGURES_DIR) is
    checked, re-encoded and added with its alt text, caption and heading before the draft goes to review."""
    import copy

    from education.services import starter
    from tests.figures_support import FACE_PNG

    leaflets = copy.deepcopy(starter.STARTER_LEAFLETS)
    for item in leaflets:  # only the figure this test names
        for content in item["versions"].values():
            content.pop("figures", None)
    first = leaflets[0]
    heading = "Where they appear"
    first["versions"]["en"]["figures"] = [
        {"file": FACE_PNG.name, "alt": "A face with small white bumps.", "caption": "Milia.", "after_heading": heading}
    ]
    monkeypatch.setattr(starter, "STARTER_LEAFLETS", leaflets)
    monkeypatch.setattr(starter, "STARTER_FIGURES_DIR", FACE_PNG.parent)

    loaded = services.starter_leaflets_load()

    with_figure = [v for v in loaded if v.figures.exists()]
    assert [(v.leaflet.slug, v.language) for v in with_figure] == [(first["slug"], "en")]
    figure = with_figure[0].figures.get()
    assert (figure.alt_text, figure.caption, figure.after_heading) == (
        "A face with small white bumps.",
        "Milia.",
        heading,
    )
    assert with_figure[0].status == Status.IN_REVIEW
