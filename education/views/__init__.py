"""The app's own pages: `public` for patients (leaflets, share links, handout PDFs), `staff` for printing a
handout and sharing a leaflet outside the admin."""

from education.views.feedback import leaflet_feedback
from education.views.public import (
    leaflet_current,
    leaflet_handout,
    leaflet_index,
    leaflet_version,
    share_handout,
    share_page,
)
from education.views.staff import handout_create, share_create

__all__ = [
    "handout_create",
    "leaflet_current",
    "leaflet_feedback",
    "leaflet_handout",
    "leaflet_index",
    "leaflet_version",
    "share_create",
    "share_handout",
    "share_page",
]
