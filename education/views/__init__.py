"""The app's own pages: `public` for patients (leaflets, share links, handout PDFs), `staff` for printing a
handout and sharing a leaflet outside the admin, `workspace` for the staff home."""

from education.views.feedback import leaflet_feedback, share_feedback
from education.views.figures import figure_file
from education.views.public import (
    leaflet_current,
    leaflet_handout,
    leaflet_index,
    leaflet_version,
    share_handout,
    share_page,
)
from education.views.staff import handout_create, share_create
from education.views.workspace import email_language, notifications_read, staff_home

__all__ = [
    "email_language",
    "figure_file",
    "handout_create",
    "leaflet_current",
    "leaflet_feedback",
    "leaflet_handout",
    "leaflet_index",
    "leaflet_version",
    "notifications_read",
    "share_create",
    "share_feedback",
    "share_handout",
    "share_page",
    "staff_home",
]
