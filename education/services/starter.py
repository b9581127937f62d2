"""The bundled starter leaflets, added as versions awaiting a clinic's own clinical review."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files import File
from django.db import transaction

from education.figures import prepare_upload
from education.models import Leaflet, LeafletVersion
from education.services.drafts import HelpSignData, version_create_draft, version_edit_draft
from education.services.figures import figure_add, figure_remove
from education.services.leaflets import leaflet_create
from education.services.workflow import version_submit
from education.starter_content import STARTER_LEAFLETS

STARTER_AUTHOR_USERNAME = "starter-content"
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


def _add_starter_figure(draft: LeafletVersion, *, author, figure: dict) -> LeafletVersion:
    """Add one bundled picture to a starter draft, checked and re-encoded as an upload is."""
    path = STARTER_FIGURES_DIR / figure["file"]
    with path.open("rb") as file:
        picture = prepare_upload(File(file, name=path.name))
    figure_add(
        version=draft,
        user=author,
        picture=picture,
        alt_text=figure["alt"],
        caption=figure.get("caption", ""),
        after_heading=figure.get("after_heading", ""),
        expected_revision=draft.revision,
    )
    return LeafletVersion.objects.get(pk=draft.pk)


@transaction.atomic
def starter_leaflets_load(*, author=None, languages: list[str] | None = None) -> list[LeafletVersion]:
    """Add the bundled starter leaflets as versions awaiting clinical review. Leaflets that already exist
    are left alone, so running it twice changes nothing."""
    author = author or starter_author()
    wanted = languages or [code for code, _name in settings.LANGUAGES]
    loaded = []
    for item in STARTER_LEAFLETS:
        if Leaflet.objects.filter(slug=item["slug"]).exists():
            continue
        leaflet = leaflet_create(user=author, slug=item["slug"], name=item["name"], topic=item["topic"])
        source_version = None
        # The source language (English) first, so translations can point at it.
        for language, content in sorted(item["versions"].items(), key=lambda pair: pair[0] != "en"):
            if language not in wanted:
                continue
            draft = version_create_draft(
                leaflet=leaflet,
                user=author,
                language=language,
                translation_of=source_version if language != "en" else None,
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
            # The bundled content says which pictures each language shows (a translation would otherwise start
            # with its source's figures, alt text in the source language).
            for copied in list(draft.figures.all()):
                figure_remove(figure=copied, user=author)
            draft.refresh_from_db()
            for figure in content.get("figures", []):
                draft = _add_starter_figure(draft, author=author, figure=figure)
            draft.refresh_from_db()
            draft = version_submit(version=draft, user=author, comment="Starter content: please review before use.")
            if language == "en":
                source_version = draft
            loaded.append(draft)
    return loaded
