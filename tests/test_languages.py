"""Leaflets in several languages: negotiation, translations' own sign-off, out-of-date flags, French
pages and handouts, and the interface catalogues."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.formats import date_format

from clinic.models import Clinic
from education import languages, selectors, services
from education.models import LeafletVersion, ShareLink
from tests import factories

pytestmark = pytest.mark.django_db
FRENCH_BODY = "<h2>Qu'est-ce que c'est ?</h2><p>Une fiche courte pour le patient.</p>"


@pytest.fixture
def french(published, editor, other_approver):
    """The French translation of the published English version, signed off by another clinician."""
    draft = services.version_create_draft(
        leaflet=published.leaflet, user=editor, language="fr", translation_of=published
    )
    factories.edit(
        draft,
        user=editor,
        title="Grains de milium : petits boutons blancs",
        summary="Une fiche pour les personnes qui ont des grains de milium.",
        body=FRENCH_BODY,
        help_signs=[services.HelpSignData("urgent", "Le bouton devient rouge et douloureux.")],
    )
    services.version_submit(version=draft, user=editor)
    return services.version_approve_and_publish(
        version=draft, content_hash=factories.shown_hash(draft), attested=True, user=other_approver
    )


@pytest.fixture
def clinic():
    return Clinic.objects.create(name="Clinique des Rives", slug="rives", is_default=True, language="en")


# --- negotiation: link, then browser, then the clinic's default ---------------------------------------


@pytest.mark.parametrize(
    ("query", "header", "clinic_language", "expected"),
    [
        ("?lang=fr", "en-GB,en;q=0.9", "en", "fr"),  # the link wins over the browser
        ("?lang=en", "fr-FR,fr;q=0.9", "fr", "en"),
        ("", "fr-CA,fr;q=0.9,en;q=0.5", "en", "fr"),  # then the browser
        ("", "de-DE,de;q=0.9,en;q=0.1", "fr", "en"),  # the first language we offer
        ("", "", "fr", "fr"),  # then the clinic's default
        ("", "de-DE", "fr", "fr"),
        ("?lang=xx", "", "fr", "fr"),  # an unknown code falls back cleanly
        ("?lang=" + "f" * 300, "fr", "en", "fr"),
        ("?lang=<script>", "", "en", "en"),
    ],
)
def test_the_leaflet_language_comes_from_the_link_then_the_browser_then_the_clinic(
    client, french, clinic, query, header, clinic_language, expected
):
    clinic.language = clinic_language
    clinic.save()
    response = client.get(f"/leaflets/milia-test/{query}", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 200
    text = response.content.decode()
    title = {"fr": "Grains de milium : petits boutons blancs", "en": "Milia: small white bumps"}[expected]
    assert title in text
    assert f'<html lang="{expected}">' in text
    assert response["Content-Language"] == expected
    assert "Accept-Language" in response["Vary"]


def test_the_interface_around_the_leaflet_is_translated(client, french, clinic):
    text = client.get("/leaflets/milia-test/?lang=fr").content.decode()
    assert "Quand demander de l" in text  # "When to get help"
    assert "When to get help" not in text


def test_dates_are_formatted_for_the_language(client, french, clinic):
    from django.utils import formats, translation

    review_due = LeafletVersion.objects.get(pk=french.pk).review_due
    with translation.override("fr"):
        french_month = formats.date_format(review_due, "F Y")
    english_month = formats.date_format(review_due, "F Y")
    assert french_month != english_month
    text = client.get("/leaflets/milia-test/?lang=fr").content.decode()
    assert french_month in text and english_month not in text


def test_a_missing_translation_shows_the_default_language_with_a_notice(client, published, clinic):
    response = client.get("/leaflets/milia-test/?lang=fr")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Milia: small white bumps" in text
    assert '<article class="leaflet" lang="en">' in text
    assert '<html lang="fr">' in text
    assert "Cette fiche n'est pas encore disponible en français. La voici en anglais." in text


def test_language_names_inside_sentences_follow_the_page_language():
    with translation.override("fr"):
        assert languages.name_in_current_language("en") == "anglais"
        assert languages.name_in_current_language("fr") == "français"
    with translation.override("en"):
        assert languages.name_in_current_language("fr") == "French"
    with translation.override("de"):
        assert languages.name_in_current_language("en") == "Englisch"  # German capitalises nouns
    assert languages.name("fr") == "Français"  # the language switch: each name in its own language, a label


def test_the_language_switch_lists_only_languages_with_a_published_version(client, published, clinic, editor):
    text = client.get("/leaflets/milia-test/").content.decode()
    assert 'class="language-switch"' not in text  # only English is published
    draft = services.version_create_draft(
        leaflet=published.leaflet, user=editor, language="fr", translation_of=published
    )
    assert draft.status == "draft"
    assert 'class="language-switch"' not in client.get("/leaflets/milia-test/").content.decode()


def test_the_language_switch_links_every_published_language(client, french, clinic):
    text = client.get("/leaflets/milia-test/?clinic=rives").content.decode()
    assert 'class="language-switch"' in text
    assert 'href="?clinic=rives&amp;lang=fr"' in text
    assert 'hreflang="en"' in text and "aria-current" in text


def test_exact_version_pages_are_per_language(client, french, clinic):
    assert "Grains de milium" in client.get("/leaflets/milia-test/v1/?lang=fr").content.decode()
    assert "Milia: small white bumps" in client.get("/leaflets/milia-test/v1/?lang=en").content.decode()
    assert french.get_absolute_url() == "/leaflets/milia-test/v1/?lang=fr"


def test_the_index_shows_each_leaflet_once_in_the_best_language(client, french, clinic, editor, approver):
    factories.make_published(author=editor, approver=approver, title="Hair loss: what to expect")
    text = client.get("/leaflets/?lang=fr").content.decode()
    assert "Grains de milium" in text and "Milia: small white bumps" not in text
    assert "Hair loss: what to expect" in text  # only in English: shown, labelled
    assert "(anglais)" in text.lower()  # labelled in the reader's language


def test_patient_pages_stay_within_the_query_budget_in_any_language(
    client, french, clinic, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        client.get("/leaflets/milia-test/?lang=fr")
    with django_assert_max_num_queries(4):
        client.get("/leaflets/milia-test/v1/?lang=fr")
    # The index: the clinic, one page of the chosen versions with their count, those versions, the topics.
    with django_assert_max_num_queries(4):
        client.get("/leaflets/?lang=fr")
    with django_assert_max_num_queries(4):  # a search is done by the database in the same query
        client.get("/leaflets/?lang=fr&q=rouge")


# --- translations: their own sign-off and the out-of-date flag ------------------------------------------


def test_a_translation_has_its_own_four_eyes_sign_off(published, editor):
    draft = services.version_create_draft(
        leaflet=published.leaflet, user=editor, language="fr", translation_of=published
    )
    assert draft.title == published.title  # a first translation starts from the text it translates
    factories.edit(draft, user=editor, title="Grains de milium")
    services.version_submit(version=draft, user=editor)
    with pytest.raises(services.NotPermitted):
        services.version_approve_and_publish(
            version=draft, content_hash=factories.shown_hash(draft), attested=True, user=editor
        )
    translator_approver = factories.make_approver()  # did not write or edit the translation
    assert (
        services.version_approve_and_publish(
            version=draft, content_hash=factories.shown_hash(draft), attested=True, user=translator_approver
        ).status
        == "published"
    )


def test_publishing_a_new_source_version_marks_translations_out_of_date(french, editor, other_approver, client):
    source = french.translation_of
    assert french.newer_source() is None
    second = services.version_create_draft(leaflet=source.leaflet, user=editor, based_on=source)
    factories.edit(second, user=editor, title="Milia: updated advice")
    services.version_submit(version=second, user=editor)
    services.version_approve_and_publish(
        version=second, content_hash=factories.shown_hash(second), attested=True, user=factories.make_approver()
    )
    assert french.newer_source().pk == second.pk
    home = selectors.staff_home(user=other_approver)
    assert [v.pk for v in home.translations_out_of_date] == [french.pk] and home.translations_count == 1
    client.force_login(other_approver)
    page = client.get(f"/admin/education/leafletversion/{french.pk}/change/").content.decode()
    assert "Translation out of date" in page
    compare = f"/admin/education/leafletversion/{second.pk}/compare/?against={source.pk}"
    assert compare.replace("&", "&amp;") in page or compare in page
    diff = client.get(compare).content.decode()
    assert "updated advice" in diff
    listing = client.get("/admin/education/leafletversion/").content.decode()
    assert "out of date" in listing
    leaflet_page = client.get(f"/admin/education/leaflet/{source.leaflet_id}/change/").content.decode()
    assert leaflet_page.count('class="translation-out-of-date">translation out of date') == 1  # French v1 only
    retired_row = leaflet_page[leaflet_page.index(f"/leafletversion/{source.pk}/change/") :].split("</tr>")[0]
    assert "Retired" in retired_row and retired_row.rstrip().endswith("<td>–</td>")  # no review date when retired


def test_a_new_draft_of_an_old_translation_stays_out_of_date_until_brought_up_to_date(
    client, french, editor, other_approver
):
    source = french.translation_of
    second = services.version_create_draft(leaflet=source.leaflet, user=editor, based_on=source)
    factories.edit(second, user=editor, title="Milia: updated advice")
    services.version_submit(version=second, user=editor)
    services.version_approve_and_publish(
        version=second, content_hash=factories.shown_hash(second), attested=True, user=factories.make_approver()
    )

    client.force_login(editor)
    client.post(f"/admin/education/leaflet/{source.leaflet_id}/new-draft/", {"language": "fr"})
    draft = LeafletVersion.objects.get(language="fr", status="draft")
    assert draft.title == french.title  # the French text, copied from French v1 ...
    assert draft.translation_of == source  # ... still translates English v1,
    assert draft.newer_source() == second  # so it is flagged until someone brings it up to date
    text = client.get(f"/admin/education/leafletversion/{draft.pk}/change/").content.decode()
    assert "Translation out of date" in text and "Save and mark as up to date with version 2" in text

    client.post(f"/admin/education/leafletversion/{draft.pk}/workflow/catch_up/", {"seen_revision": draft.revision})
    draft.refresh_from_db()
    assert draft.translation_of == second and draft.newer_source() is None
    assert draft.events.filter(action="edited", comment__startswith="Now translates version 2").exists()
    assert services.is_contributor(version=draft, user=editor)  # and so cannot approve it
    with pytest.raises(services.WorkflowError, match="already up to date"):
        services.version_translation_catch_up(version=draft, user=editor)


def test_only_drafts_can_be_brought_up_to_date(french, editor):
    with pytest.raises(services.WorkflowError, match="Only a draft translation"):
        services.version_translation_catch_up(version=french, user=editor)


def test_the_admin_starts_a_translation_from_the_published_source(client, published, editor):
    client.force_login(editor)
    response = client.post(f"/admin/education/leaflet/{published.leaflet_id}/new-draft/", {"language": "fr"})
    assert response.status_code == 302
    french = LeafletVersion.objects.get(leaflet=published.leaflet, language="fr")
    assert (french.translation_of, french.status, french.number) == (published, "draft", 1)


def test_readability_uses_the_french_formula_for_french(french, approver, client):
    from education.content import readability

    score = readability(title=french.title, summary=french.summary, body=french.body, help_signs=[], language="fr")
    assert score.formula == "reading-ease" and score.score is not None
    client.force_login(approver)
    page = client.get(f"/admin/education/leafletversion/{french.pk}/change/").content.decode()
    assert "Flesch reading ease for this language" in page or "Facilité de lecture" in page


# --- handouts in French ---------------------------------------------------------------------------------


def test_a_french_handout_is_in_french_with_lang_fr(client, french, clinic):
    import io

    import pikepdf
    import pypdf

    response = client.get("/leaflets/milia-test/handout.pdf?lang=fr")
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "Grains de milium" in text
    assert "Quand demander de l" in text
    with pikepdf.open(io.BytesIO(data)) as document:
        assert str(document.Root.Lang) == "fr"


def test_a_handout_in_an_unknown_language_falls_back(client, published, clinic):
    response = client.get("/leaflets/milia-test/handout.pdf?lang=xx", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


# --- configuration and catalogues -------------------------------------------------------------------------


def test_languages_come_from_configuration(settings):
    settings.LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español")]
    assert languages.supported("es-MX") == "es"
    assert languages.supported("de") is None


def test_the_catalogues_are_compiled_and_current():
    """`make setup` compiles every catalogue; each translated entry of the .po is what the app says."""
    from pathlib import Path

    import polib
    from django.utils import translation

    checked = 0
    for code, _name in settings.LANGUAGES:
        if code == settings.LANGUAGE_CODE:
            continue
        po_path = Path(settings.BASE_DIR, "locale", code, "LC_MESSAGES", "django.po")
        assert po_path.exists(), f"no interface translation for {code}"
        assert po_path.with_suffix(".mo").exists(), f"{code} is not compiled: run make setup"
        with translation.override(code):
            for entry in polib.pofile(str(po_path)).translated_entries():
                if entry.msgid_plural or entry.msgctxt or "fuzzy" in entry.flags:
                    continue
                assert translation.gettext(entry.msgid) == entry.msgstr, f"stale {code} catalogue: {entry.msgid!r}"
                checked += 1
    assert checked > 100


def test_demo_publishes_english_and_french(settings, client):
    import io

    settings.DEBUG = True
    call_command("demo", password="demo-pass-123", stdout=io.StringIO())
    for slug in ("milia-overview", "post-extraction-hygiene", "infection-warning-signs"):
        assert LeafletVersion.objects.filter(leaflet__slug=slug, status="published").count() == 2
        french = client.get(f"/leaflets/{slug}/?lang=fr")
        assert french.status_code == 200 and '<article class="leaflet" lang="fr">' in french.content.decode()


# --- the clinic's urgent-care advice and emails in the leaflet's language ---------------------------------

ADVICE_EN = "If we are closed, call 111."
ADVICE_FR = "Si nous sommes fermés, appelez le 111."


def _with_advice(clinic, **translations):
    clinic.urgent_care_advice = ADVICE_EN
    clinic.urgent_care_advice_translations = translations
    clinic.save()


def test_each_leaflet_page_shows_the_advice_in_its_own_language(client, french, clinic):
    _with_advice(clinic, fr=ADVICE_FR)
    french_page = client.get("/leaflets/milia-test/?lang=fr").content.decode()
    english_page = client.get("/leaflets/milia-test/?lang=en").content.decode()
    assert ADVICE_FR in french_page and ADVICE_EN not in french_page
    assert ADVICE_EN in english_page and ADVICE_FR not in english_page


def test_without_a_translation_the_clinics_own_advice_is_shown(client, french, clinic):
    _with_advice(clinic)
    assert ADVICE_EN in client.get("/leaflets/milia-test/?lang=fr").content.decode()


def test_a_french_handout_prints_the_french_advice_and_a_new_translation_makes_a_new_handout(client, french, clinic):
    import io

    import pypdf

    def handout_text():
        data = client.get("/leaflets/milia-test/handout.pdf?lang=fr").content
        return " ".join("".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages).split())

    _with_advice(clinic)
    assert ADVICE_EN in handout_text()
    _with_advice(clinic, fr=ADVICE_FR)
    text = handout_text()
    assert ADVICE_FR in text and ADVICE_EN not in text


def test_a_link_emailed_for_a_french_leaflet_is_written_in_french(
    client, french, clinic, editor, mailoutbox, django_capture_on_commit_callbacks
):
    _with_advice(clinic, fr=ADVICE_FR)
    client.force_login(editor)
    data = {"version": french.pk, "clinic": clinic.pk, "channel": "email", "expires_in": "30"}
    with django_capture_on_commit_callbacks(execute=True):  # the email goes from a job after the commit
        response = client.post("/staff/share/", {**data, "email": "patient@example.org"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    sent = mailoutbox[0]
    assert sent.subject == "Informations de la part de Clinique des Rives"
    assert sent.body.startswith("Bonjour,")
    assert ADVICE_FR in sent.body and ADVICE_EN not in sent.body
    expires = timezone.localtime(ShareLink.objects.get().expires_at)
    with translation.override("fr"):
        assert f"Le lien fonctionne jusqu'au {date_format(expires, 'j F Y')}." in sent.body  # "… 26 décembre 2026."


def test_a_link_emailed_for_an_english_leaflet_is_written_in_english(
    client, published, clinic, editor, mailoutbox, django_capture_on_commit_callbacks
):
    _with_advice(clinic, fr=ADVICE_FR)
    client.force_login(editor)
    data = {"version": published.pk, "clinic": clinic.pk, "channel": "email", "expires_in": "30"}
    with django_capture_on_commit_callbacks(execute=True):  # the email goes from a job after the commit
        client.post("/staff/share/", {**data, "email": "patient@example.org"}, HTTP_ACCEPT_LANGUAGE="fr")
    sent = mailoutbox[0]
    assert sent.subject == "Information from Clinique des Rives"
    assert sent.body.startswith("Hello,") and ADVICE_EN in sent.body


# --- search and links keep the patient's choices ----------------------------------------------------------


def test_search_ignores_accents_and_case_and_reads_the_whole_leaflet(client, french, clinic):
    def titles(query):
        text = client.get("/leaflets/", {"q": query, "lang": "fr"}).content.decode()
        return ("Grains de milium" in text, "Milia: small white bumps" in text)

    assert titles("BOUTONS blancs") == (True, False)  # every word, any case
    assert titles("fiche courte") == (True, False)  # in the text, not only the title
    assert titles("douloureux") == (True, False)  # in a "when to get help" sign
    assert titles("qu est ce") == (True, False)  # punctuation folded away
    assert titles("pret") == (False, False)  # no leaflet holds it
    assert titles("boutons zzzz") == (False, False)  # all words must be there
    assert titles("?!") == (False, False)  # nothing left to look for


def test_search_finds_words_typed_without_their_accents(client, french, clinic, editor, approver):
    factories.make_published(author=editor, approver=approver, title="Peau infectée : que faire ?", language="fr")
    text = client.get("/leaflets/", {"q": "infectee", "lang": "fr"}).content.decode()
    assert "Peau infectée : que faire ?" in text


def test_title_matches_come_first(client, published, editor, approver):
    factories.make_published(
        author=editor, approver=approver, title="Aftercare", summary="Looking after milia after treatment."
    )
    text = client.get("/leaflets/", {"q": "milia"}).content.decode()
    assert text.index("Milia: small white bumps") < text.index("Aftercare")


def test_a_language_chosen_with_lang_stays_through_search_and_back_links(client, french, clinic):
    index = client.get("/leaflets/?lang=fr").content.decode()
    assert '<input type="hidden" name="lang" value="fr">' in index  # the search form keeps it
    assert 'href="/leaflets/milia-test/?lang=fr"' in index
    page = client.get("/leaflets/milia-test/?lang=fr&clinic=rives").content.decode()
    assert 'href="/leaflets/?clinic=rives&amp;lang=fr">Toutes les fiches</a>' in page
    assert 'class="site-name" href="/leaflets/?clinic=rives&amp;lang=fr"' in page


def test_a_language_from_the_browser_is_not_written_into_links(client, french, clinic):
    index = client.get("/leaflets/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'name="lang"' not in index
    page = client.get("/leaflets/milia-test/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'href="/leaflets/">Toutes les fiches</a>' in page


def test_an_english_only_leaflet_opens_with_the_french_notice_from_a_french_index(
    client, published, clinic, editor, approver
):
    index = client.get("/leaflets/?lang=fr").content.decode()
    assert 'href="/leaflets/milia-test/?lang=fr"' in index  # the page language, not the leaflet's
    page = client.get("/leaflets/milia-test/?lang=fr").content.decode()
    assert "La voici en anglais." in page and '<html lang="fr">' in page
