"""The bundled starter leaflets, added as versions awaiting a clinic's own clinical review."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from education.models import Leaflet, LeafletVersion
from education.services.codes import CodeData, leaflet_codes_set
from education.services.drafts import HelpSignData, version_create_draft, version_edit_draft
from education.services.leaflets import leaflet_create
from education.services.workflow import version_submit
from education.starter_codes import STARTER_CODES
from education.starter_content import STARTER_LEAFLETS

STARTER_AUTHOR_USERNAME = "starter-content"


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
        _set_starter_codes(leaflet=leaflet, user=author)
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
            draft = version_submit(version=draft, user=author, comment="Starter content: please review before use.")
            if language == "en":
                source_version = draft
            loaded.append(draft)
    return loaded


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
