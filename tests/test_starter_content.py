"""The bundled starter leaflets (education/starter_content.py): the warning signs a clinical lead checks, with
the urgency each must have (issue 13), the text changes, readable French and English, references, figures."""

import re
import struct
from pathlib import Path

import pytest

from education.content import readability, sanitise_body
from education.starter_content import STARTER_LEAFLETS

FIGURES = Path(__file__).resolve().parent.parent / "education" / "starter_figures"
LEAFLETS = {item["slug"]: item for item in STARTER_LEAFLETS}
VERSIONS = [
    (item["slug"], language, content) for item in STARTER_LEAFLETS for language, content in item["versions"].items()
]
IDS = [f"{slug}-{language}" for slug, language, _content in VERSIONS]

# The urgency each named sign must have, written out here from the issue (not imported from the content).
EMERGENCY = {
    "eye-swelling",
    "eye-pain",
    "vision",
    "redness-spreading-fast",
    "red-streaks",
    "very-unwell",
    "confused",
    "breathing-fast",
    "shivering",
    "mottled-skin",
}
URGENT_EVERYWHERE = {"fever", "pus"}
REQUIRED = {
    "milia-overview": {
        **dict.fromkeys(EMERGENCY, "emergency"),
        **dict.fromkeys(URGENT_EVERYWHERE, "urgent"),
        "baby-fever": "urgent",
        "worse-not-better": "urgent",
        "red-swollen-painful": "urgent",
        "bother": "routine",
    },
    "post-extraction-hygiene": {
        **dict.fromkeys(EMERGENCY, "emergency"),
        **dict.fromkeys(URGENT_EVERYWHERE, "urgent"),
        "worse-after-2-days": "urgent",
        "not-healed": "routine",
    },
    "infection-warning-signs": {
        **dict.fromkeys(EMERGENCY, "emergency"),
        **dict.fromkeys(URGENT_EVERYWHERE, "urgent"),
        "baby-fever": "urgent",
        "worse-not-better": "urgent",
        "antibiotics-not-better": "urgent",
        "red-swollen-painful": "urgent",
    },
}
# Words each sign must contain, per language, so a key cannot point at the wrong sentence.
SIGN_WORDS = {
    "en": {
        "eye-swelling": ["eye", "swollen"],
        "eye-pain": ["eye", "hurts", "move"],
        "vision": ["blurred", "double"],
        "redness-spreading-fast": ["redness", "spreads fast"],
        "red-streaks": ["streaks"],
        "very-unwell": ["very unwell"],
        "confused": ["confused"],
        "breathing-fast": ["breathe", "fast"],
        "shivering": ["shiver"],
        "mottled-skin": ["blotchy", "grey", "blue"],
        "fever": ["38°C", "100.4°F"],
        "baby-fever": ["under 3 months", "38°C"],
        "worse-not-better": ["worse", "each day"],
        "worse-after-2-days": ["first 2 days", "more red"],
        "antibiotics-not-better": ["2 to 3 days", "antibiotics"],
        "pus": ["pus"],
    },
    "fr": {
        "eye-swelling": ["œil", "gonflé"],
        "eye-pain": ["mal à l'œil", "en le bougeant"],
        "vision": ["flou", "double"],
        "redness-spreading-fast": ["rougeur", "s'étend vite"],
        "red-streaks": ["traînées"],
        "very-unwell": ["très mal"],
        "confused": ["confus"],
        "breathing-fast": ["respirez très vite"],
        "shivering": ["tremblez"],
        "mottled-skin": ["marbrées", "grises", "bleues"],
        "fever": ["38°C"],
        "baby-fever": ["moins de 3 mois", "38°C"],
        "worse-not-better": ["plus mal", "chaque jour"],
        "worse-after-2-days": ["après 2 jours", "plus rouge"],
        "antibiotics-not-better": ["2 à 3 jours", "antibiotiques"],
        "pus": ["pus"],
    },
}


def signs_by_key(content) -> dict[str, dict]:
    """Each situation's sign; one line may cover several situations ("a+b", joined by "or")."""
    return {key: sign for sign in content["help_signs"] for key in sign["key"].split("+")}


def headings(body: str) -> list[str]:
    """The exact text of each h2 (what a figure's after_heading names)."""
    return re.findall(r"<h2>([^<]*)</h2>", body)


def test_the_three_leaflets_come_in_english_and_french():
    assert list(LEAFLETS) == ["milia-overview", "post-extraction-hygiene", "infection-warning-signs"]
    for item in STARTER_LEAFLETS:
        assert set(item["versions"]) == {"en", "fr"}


@pytest.mark.parametrize(("slug", "language", "content"), VERSIONS, ids=IDS)
def test_each_named_warning_sign_has_the_urgency_the_clinical_review_asked_for(slug, language, content):
    signs = signs_by_key(content)
    for key, urgency in REQUIRED[slug].items():
        assert key in signs, f"{slug} ({language}) lacks the sign {key!r}"
        assert signs[key]["urgency"] == urgency, (slug, language, key, signs[key])
    for key, words in SIGN_WORDS[language].items():
        if key in signs:
            for word in words:
                assert word.lower() in signs[key]["text"].lower(), (slug, language, key, word)


@pytest.mark.parametrize(("slug", "language", "content"), VERSIONS, ids=IDS)
def test_every_sign_is_one_situation_with_a_known_urgency(slug, language, content):
    joiner = {"en": " and ", "fr": " et "}[language]
    keys = [sign["key"] for sign in content["help_signs"]]
    assert len(keys) == len(set(keys)), "each sign once"
    for sign in content["help_signs"]:
        assert sign["urgency"] in {"routine", "urgent", "emergency"}
        # One sign per line: two conditions joined with "and" would let a patient with one of them wait.
        assert joiner not in sign["text"], sign
        assert sign["text"].endswith("."), sign
    # The old combined sign is gone, and "looks different" (every healing spot does) is not a warning sign.
    texts = " ".join(sign["text"] for sign in content["help_signs"]).lower()
    assert "redness is spreading" not in texts and "la rougeur s'étend." not in texts
    assert "look different" not in texts and "looks different" not in texts and "change d'aspect" not in texts


def test_the_english_sign_text_matches_the_french_one_key_for_key():
    for item in STARTER_LEAFLETS:
        english = {(s["key"], s["urgency"]) for s in item["versions"]["en"]["help_signs"]}
        french = {(s["key"], s["urgency"]) for s in item["versions"]["fr"]["help_signs"]}
        assert english == french, item["slug"]


@pytest.mark.parametrize(("slug", "language", "content"), VERSIONS, ids=IDS)
def test_the_text_is_clean_and_readable(slug, language, content):
    assert sanitise_body(content["body"]) == content["body"]
    score = readability(
        title=content["title"],
        summary=content["summary"],
        body=content["body"],
        help_signs=[sign["text"] for sign in content["help_signs"]],
        language=language,
    )
    assert score.meets_target, (slug, language, score)
    if language == "en":
        assert score.score <= 8
    else:
        assert score.score >= 60


def test_the_overview_says_what_the_clinical_review_asked():
    english = LEAFLETS["milia-overview"]["versions"]["en"]["body"]
    assert "no treatment, no cream and no removal" in english
    assert "may not go away on their own" in english
    assert "safely" not in english.lower()  # no promise the clinic cannot keep
    assert "usually done without leaving a scar" in english
    for treatment in ("retinoid cream", "freezing", "laser"):
        assert treatment in english
    assert "When should I see a dermatologist?" in headings(english)
    for reason in ("suddenly", "red or raised patch", "blisters, a burn", "steroid cream"):
        assert reason in english
    assert "scab heals" not in english and "the scab falls off" in english


def test_the_aftercare_leaflet_gives_concrete_instructions():
    english = LEAFLETS["post-extraction-hygiene"]["versions"]["en"]["body"]
    for instruction in (
        "within about a week",  # how long healing takes
        "twice a day",  # how often to clean
        "mild, unscented soap",  # how
        "petroleum jelly",
        "When can I wear make-up?",
        "SPF 30",
        "paracetamol",
        "Do not pick, squeeze or scratch",
    ):
        assert instruction in english, instruction
    assert "Your clinic may give you different times" in english


def test_the_infection_leaflet_explains_cellulitis_on_every_skin_colour_instead_of_speculating():
    english = LEAFLETS["infection-warning-signs"]["versions"]["en"]["body"]
    assert "Nobody knows for sure" not in english
    assert "cellulitis" in english
    assert "brown or black skin" in english
    assert "not better after 2 to 3 days" in english
    assert "paracetamol" in english
    french = LEAFLETS["infection-warning-signs"]["versions"]["fr"]
    assert "On ne le sait pas" not in french["body"]
    assert "cellulite infectieuse" in french["body"] and "peau brune ou noire" in french["body"]
    assert french["title"].endswith("signes d'alerte et conduite à tenir")


@pytest.mark.parametrize("slug", list(LEAFLETS))
def test_the_french_is_natural_french_for_france_and_belgium(slug):
    french = LEAFLETS[slug]["versions"]["fr"]
    everything = " ".join(
        [french["title"], french["summary"], french["body"], *(s["text"] for s in french["help_signs"])]
    )
    assert "clinique" not in everything  # a clinique is a private hospital: "votre cabinet", "votre dermatologue"
    assert "soignant formé" not in everything
    assert "croûte guérit" not in everything and "elle guérit toute seule" not in everything  # a scab does not heal
    assert "votre cabinet" in everything or "votre dermatologue" in everything


def test_the_french_uses_the_words_a_french_clinician_would():
    overview = LEAFLETS["milia-overview"]["versions"]["fr"]["body"]
    aftercare = LEAFLETS["post-extraction-hygiene"]["versions"]["fr"]["body"]
    assert "La plaie cicatrise et la croûte tombe" in overview
    assert "professionnel de santé" in overview
    assert "gommage agressif" in overview and "gommage agressif" in aftercare


@pytest.mark.parametrize(("slug", "language", "content"), VERSIONS, ids=IDS)
def test_references_are_complete_and_cover_the_advice(slug, language, content):
    references = content["references"]
    assert len(references) >= 5
    for reference in references:
        assert re.search(r"\b(19|20)\d\d\b", reference), reference  # a year
        if "Barbarot" not in reference:  # cited as the source article gives it; see the module docstring
            assert "doi:" in reference or "https://" in reference, reference
    cited = " ".join(references)
    assert "Berk DR, Bayliss SJ" in cited and "1050-1063" in cited and "10.1016/j.jaad.2008.07.034" in cited
    assert "sepsis" in cited  # the sepsis signs have a source
    needed = {
        "milia-overview": ["Fever in under 5s", "medlineplus.gov", "dermnetnz.org"],
        "post-extraction-hygiene": ["wound care", "Sunscreen"],
        "infection-warning-signs": ["Cellulitis and erysipelas", "nhs.uk/conditions/cellulitis"],
    }[slug]
    for source in needed:
        assert source in cited, (slug, source)


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", header[16:24])


@pytest.mark.parametrize(("slug", "language", "content"), VERSIONS, ids=IDS)
def test_each_leaflet_has_an_original_figure_with_alt_text_after_one_of_its_headings(slug, language, content):
    figures = content["figures"]
    assert figures
    for figure in figures:
        assert set(figure) == {"file", "alt", "caption", "after_heading"}
        png = FIGURES / figure["file"]
        width, height = png_size(png)
        assert 1500 <= width <= 1700 and height > 300
        assert (FIGURES / "src" / (png.stem + ".svg")).exists(), "the source file is kept"
        assert len(figure["alt"].split()) >= 10, "alt text says what the picture shows"
        assert figure["caption"].strip()
        assert figure["after_heading"] in headings(content["body"]), figure["after_heading"]
    english = {f["file"]: f["alt"] for f in LEAFLETS[slug]["versions"]["en"]["figures"]}
    for figure in figures:
        if language == "fr":
            assert figure["alt"] != english[figure["file"]], "alt text in the reader's language"


def test_the_figures_carry_their_licence():
    assert "Creative Commons Attribution 4.0" in (FIGURES / "LICENSE").read_text(encoding="utf-8")
    readme = (FIGURES / "README.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in readme and "made for this project" in readme.lower()
    for svg in (FIGURES / "src").glob("*.svg"):
        text = svg.read_text(encoding="utf-8")
        assert "<script" not in text and 'href="http' not in text, svg  # self-contained, no network


@pytest.mark.parametrize("slug", list(LEAFLETS))
def test_french_punctuation_never_starts_a_line(slug):
    french = LEAFLETS[slug]["versions"]["fr"]
    for text in (french["title"], french["summary"], french["body"]):
        for mark in ";:?!":
            assert f" {mark}" not in text, (slug, mark)
    assert "\u202f?" in french["body"]
    assert sanitise_body(french["body"]) == french["body"]  # the narrow no-break space survives sanitising
