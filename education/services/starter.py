"""The bundled starter leaflets, added as versions awaiting a clinic's own clinical review.

A new install gets the leaflets as versions awaiting review. Where a clinic already has them, a newer bundled
text is offered as a new version awaiting review, based on the clinic's newest version: published versions
never change, and an open draft (someone's work in progress) is never overwritten."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files import File
from django.db import transaction

from clinic.text import without_bidi_controls
from education.content import sanitise_body
from education.figures import PreparedFigure, prepare_upload
from education.models import Leaflet, LeafletVersion
from education.services.codes import CodeData, leaflet_codes_set
from education.services.drafts import HelpSignData, version_create_draft, version_edit_draft
from education.services.figures import figure_add, figure_remove
from education.services.leaflets import leaflet_create
from education.services.workflow import version_submit
from education.starter_codes import STARTER_CODES
from education.starter_content import STARTER_LEAFLETS

STARTER_AUTHOR_USERNAME = "starter-content"
Status = LeafletVersion.Status


@dataclass(frozen=True)
class StarterOutcome:
    """What loading did for one leaflet in one language.

    ``outcome`` is one of: ``added`` (a new leaflet's version, awaiting review), ``offered`` (a new version of
    a leaflet the clinic already has, awaiting review), ``up_to_date`` (the clinic's newest version already has
    the bundled text), ``already_offered`` (an open version with the bundled text is already waiting), or
    ``open_draft_kept`` (someone's open draft or version in review differs; it was left as it is)."""

    slug: str
    language: str
    outcome: str
    version: LeafletVersion | None = None


# The starter leaflets' pictures: `"figures": [{"file": "x.png", "alt": ..., "caption": ..., "after_heading":
# ...}]` in a version of education.starter_content names files in this folder.
STARTER_FIGURES_DIR = Path(__file__).resolve().parent.parent / "starter_figures"


def starter_author():
    """The account that stands for the bundled starter content: a leaflet editor that cannot log in."""
    user, created = get_user_model().objects.get_or_create(
        username=STARTER_AUTHOR_USERNAME,
        defaults={"first_name": "Starter", "last_name": "content (bundled)", "is_staff": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name="Leaflet editors"))
    return get_user_model().objects.get(pk=user.pk)  # fresh instance: permission cache reflects the group


def _has_starter_text(version: LeafletVersion, content: dict) -> bool:
    """Whether a version shows exactly the bundled text (as a draft edit would save it)."""
    references = [line.strip() for line in content["references"] if line.strip()]
    # Signs are saved with their whitespace collapsed (as version_edit_draft saves them).
    signs = [(sign["urgency"], " ".join(without_bidi_controls(sign["text"]).split())) for sign in content["help_signs"]]
    # Figure texts too (saved on one line: a narrow no-break space becomes a plain one).
    figures = [
        tuple(
            " ".join(without_bidi_controls(figure.get(key, "")).split()) for key in ("alt", "caption", "after_heading")
        )
        for figure in content.get("figures", [])
    ]
    return (
        version.title == content["title"].strip()
        and version.summary == content["summary"].strip()
        and version.body == sanitise_body(content["body"])
        and version.references.splitlines() == references
        and [(s.urgency, s.text) for s in version.help_signs.order_by("position", "id")] == signs
        and [(f.alt_text, f.caption, f.after_heading) for f in version.figures.all()] == figures
    )


def _write(*, leaflet, author, language, content, based_on=None, translation_of=None, comment) -> LeafletVersion:
    draft = version_create_draft(
        leaflet=leaflet,
        user=author,
        language=language,
        based_on=based_on,
        translation_of=translation_of,
        change_note=content["change_note"],
    )
    draft = version_edit_draft(
        version=draft,
        user=author,
        expected_revision=draft.revision,
        title=content["title"],
        summary=content["summary"],
        body=content["body"],
        references="\n".join(content["references"]),
        change_note=content["change_note"],
        help_signs=[HelpSignData(sign["urgency"], sign["text"]) for sign in content["help_signs"]],
    )
    # The bundled content says which pictures each language shows (a new version or a translation would
    # otherwise start with the figures it copied, alt text in another language).
    for copied in list(draft.figures.all()):
        figure_remove(figure=copied, user=author)
    draft.refresh_from_db()
    for figure in content.get("figures", []):
        draft = _add_starter_figure(draft, author=author, figure=figure)
    draft.refresh_from_db()
    return version_submit(version=draft, user=author, comment=comment)


def _offer(*, leaflet: Leaflet, author, language: str, content: dict, source) -> StarterOutcome:
    """Offer the bundled text for a leaflet the clinic already has, in one language."""
    versions = leaflet.versions.filter(language=language).exclude(status=Status.DISCARDED)
    open_version = versions.filter(status__in=LeafletVersion.OPEN_STATUSES).first()
    if open_version is not None:
        outcome = "already_offered" if _has_starter_text(open_version, content) else "open_draft_kept"
        return StarterOutcome(leaflet.slug, language, outcome, open_version)
    newest = versions.order_by("-number").first()
    if newest is not None and _has_starter_text(newest, content):
        return StarterOutcome(leaflet.slug, language, "up_to_date", newest)
    version = _write(
        leaflet=leaflet,
        author=author,
        language=language,
        content=content,
        based_on=newest,
        translation_of=source if language != "en" else None,
        comment="Updated starter content: please review before use. The published version is unchanged.",
    )
    return StarterOutcome(leaflet.slug, language, "offered", version)


@functools.lru_cache(maxsize=8)
def _prepared_starter_figure(path: Path) -> PreparedFigure:
    """A bundled picture, checked and re-encoded as an upload is. The files ship with the code and the
    encoding is deterministic, so each is prepared once per process (most of the demo's time otherwise: each
    picture is used in English and French, and tests load the demo many times)."""
    with path.open("rb") as file:
        return prepare_upload(File(file, name=path.name))


def _add_starter_figure(draft: LeafletVersion, *, author, figure: dict) -> LeafletVersion:
    """Add one bundled picture to a starter draft."""
    figure_add(
        version=draft,
        user=author,
        picture=_prepared_starter_figure(STARTER_FIGURES_DIR / figure["file"]),
        alt_text=figure["alt"],
        caption=figure.get("caption", ""),
        after_heading=figure.get("after_heading", ""),
        expected_revision=draft.revision,
    )
    return LeafletVersion.objects.get(pk=draft.pk)


@transaction.atomic
def starter_leaflets_update(*, author=None, languages: list[str] | None = None) -> list[StarterOutcome]:
    """Add the bundled starter leaflets as versions awaiting clinical review, or, where the clinic already has
    them, offer the newer bundled text as new versions awaiting review. Safe to run again: nothing is added
    twice, no published version changes, and an open draft is never overwritten."""
    author = author or starter_author()
    wanted = languages or [code for code, _name in settings.LANGUAGES]
    outcomes = []
    for item in STARTER_LEAFLETS:
        leaflet = Leaflet.objects.filter(slug=item["slug"]).first()
        is_new = leaflet is None
        if is_new:
            leaflet = leaflet_create(user=author, slug=item["slug"], name=item["name"], topic=item["topic"])
            _set_starter_codes(leaflet=leaflet, user=author)
        source = None
        # The source language (English) first, so translations can point at it.
        for language, content in sorted(item["versions"].items(), key=lambda pair: pair[0] != "en"):
            if language not in wanted:
                continue
            if is_new or not leaflet.versions.filter(language=language).exists():
                version = _write(
                    leaflet=leaflet,
                    author=author,
                    language=language,
                    content=content,
                    translation_of=source if language != "en" else None,
                    comment="Starter content: please review before use.",
                )
                outcome = StarterOutcome(leaflet.slug, language, "added", version)
            else:
                outcome = _offer(leaflet=leaflet, author=author, language=language, content=content, source=source)
            if language == "en" and outcome.version is not None:
                source = outcome.version
            outcomes.append(outcome)
    return outcomes


def starter_leaflets_load(*, author=None, languages: list[str] | None = None) -> list[LeafletVersion]:
    """The versions that starter_leaflets_update added or offered for review (empty when nothing changed)."""
    return [
        outcome.version
        for outcome in starter_leaflets_update(author=author, languages=languages)
        if outcome.outcome in ("added", "offered")
    ]


def _set_starter_codes(*, leaflet: Leaflet, user) -> None:
    wanted = [CodeData(system, code, display) for system, code, display in STARTER_CODES.get(leaflet.slug, [])]
    if wanted:
        leaflet_codes_set(leaflet=leaflet, user=user, wanted=wanted)


@transaction.atomic
def starter_codes_apply(*, user) -> int:
    """Give the starter leaflets that have no diagnosis codes their bundled ones (for databases made before
    leaflets had codes); returns how many leaflets got codes. Leaflets with codes are left alone."""
    leaflets = Leaflet.objects.filter(slug__in=STARTER_CODES, codes__isnull=True).distinct()
    count = 0
    for leaflet in leaflets:
        _set_starter_codes(leaflet=leaflet, user=user)
        count += 1
    return count
