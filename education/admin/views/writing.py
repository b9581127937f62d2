"""Help while writing a draft: how easy the text on screen is to read, asked for by static/js/editor.js as
the editor types (the saved draft's figures are on the page itself, so it works without the script)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from education import services
from education.admin.common import viewable_version
from education.content import (
    READABILITY_TARGET_GRADE,
    READING_EASE_TARGET,
    Readability,
    hardest_sentences,
    readability,
    sanitise_body,
)

MAX_FIELD_CHARS = 200_000  # more than any leaflet; a larger post is cut, not measured for seconds


def words_label(count: int) -> str:
    return ngettext("%(n)d word", "%(n)d words", count) % {"n": count}


def readability_verdict(score: Readability) -> str:
    """One line for the editor: the score, its target and whether the text meets it."""
    if score.score is None:
        if score.words < 10:
            return _("Not enough text to measure yet.")
        return _("Readability is not measured for this language (%(words)d words).") % {"words": score.words}
    if score.formula == "flesch-kincaid":
        name = _("Flesch-Kincaid grade")
        target = _("target %(grade)d or lower") % {"grade": READABILITY_TARGET_GRADE}
        advice = _("ABOVE the target: use shorter sentences and words")
    else:
        name = _("Flesch reading ease for this language")
        target = _("target %(score)d or higher") % {"score": READING_EASE_TARGET}
        advice = _("BELOW the target: use shorter sentences and words")
    verdict = _("meets the target") if score.meets_target else advice
    return f"{name} {score.score:.1f} ({target}) – {verdict}; {words_label(score.words)}"


def posted_signs(data, *, limit: int) -> list[tuple[str, str]]:
    """(urgency, text) of the 'when to get help' rows in a posted version form, deleted rows left out."""
    try:
        total = min(int(data.get("help_signs-TOTAL_FORMS", 0)), limit)
    except (TypeError, ValueError):
        total = 0
    signs = []
    for index in range(max(total, 0)):
        text = " ".join(str(data.get(f"help_signs-{index}-text", ""))[:300].split())
        if text and not data.get(f"help_signs-{index}-DELETE"):
            signs.append((str(data.get(f"help_signs-{index}-urgency", ""))[:20], text))
    return signs


def readability_view(request, pk, *, model_admin):
    """POST the version form as it is on screen: its reading score and hardest sentences, as JSON."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    version = viewable_version(request, pk, version_admin=model_admin)
    if not services.can_edit(request.user):
        raise PermissionDenied
    fields = {
        "title": request.POST.get("title", "")[:MAX_FIELD_CHARS],
        "summary": request.POST.get("summary", "")[:MAX_FIELD_CHARS],
        "body": sanitise_body(request.POST.get("body", "")[:MAX_FIELD_CHARS]),
        "help_signs": [text for _urgency, text in posted_signs(request.POST, limit=services.MAX_HELP_SIGNS * 2)],
    }
    score = readability(**fields, language=version.language)
    hardest = hardest_sentences(**fields, language=version.language)
    response = JsonResponse(
        {
            "verdict": readability_verdict(score),
            "meets_target": score.meets_target,
            "hardest_heading": _("Hardest sentences to read (shorten or split them):") if hardest else "",
            "hardest": [{"sentence": sentence, "words": words_label(words)} for sentence, words, _per_word in hardest],
        }
    )
    response["Cache-Control"] = "private, no-store"
    return response
