from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

# The 500 page (or the 503 page when the database is down) without touching the database: clinic/errors.py.
handler500 = "clinic.errors.server_error"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="education:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("", include("education.urls")),
    # Record systems: HL7 Infobutton and FHIR R4, read-only (education/interop/).
    path("", include("education.interop.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
