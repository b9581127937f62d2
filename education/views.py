"""Public patient pages. Only published content (and retired versions by their exact number) is shown."""

from django.http import Http404
from django.shortcuts import render

from education import selectors


def _context(**extra):
    return {"clinic": selectors.default_clinic(), **extra}


def leaflet_index(request):
    versions = selectors.published_versions(language="en")
    return render(request, "education/leaflet_index.html", _context(versions=versions))


def leaflet_current(request, slug: str):
    version = selectors.current_public_version(slug=slug)
    if version is None:
        if selectors.leaflet_was_withdrawn(slug=slug):
            return render(request, "education/leaflet_withdrawn.html", _context(), status=410)
        raise Http404("No published leaflet at this address.")
    return render(request, "education/leaflet_detail.html", _context(version=version, newer=None))


def leaflet_version(request, slug: str, number: int):
    version = selectors.public_version(slug=slug, number=number)
    if version is None:
        raise Http404("No published version with this number.")
    newer = None
    if version.status == version.Status.RETIRED:
        newer = selectors.current_public_version(slug=slug, language=version.language)
    return render(request, "education/leaflet_detail.html", _context(version=version, newer=newer))
