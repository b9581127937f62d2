"""Figure pictures for patient pages, from default storage (so S3 serves as well as the local disk).

Only copies of pictures that a version the visitor may see shows are served: a public version's (published,
or retired and not withdrawn), and for staff who write or approve leaflets a draft's too (for the preview).
Names are content-addressed, so a public copy is cached for a year; a draft's is never stored by caches.
"""

from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

from education import selectors, services

CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg"}


@require_safe
def figure_file(request, name: str):
    user = request.user
    staff = user.is_authenticated and (services.can_edit(user) or services.can_approve(user))
    found = selectors.figure_file_visibility(name=name, staff=staff)
    if found is None:
        raise Http404
    storage_name, is_public = found
    try:
        # Copies are small (at most 1280 px wide): read whole, so no file or S3 stream is left open.
        with default_storage.open(storage_name, "rb") as file:
            data = file.read()
    except OSError as error:
        raise Http404 from error
    response = HttpResponse(data, content_type=CONTENT_TYPES[name.rsplit(".", 1)[1]])
    response["Cache-Control"] = "public, max-age=31536000, immutable" if is_public else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
