"""A URLconf for tests of the 500 page: the project's URLs plus one view that always raises."""

from django.urls import path

from clinic import urls as project_urls


def _broken_view(request):
    raise RuntimeError("secret internal detail")


urlpatterns = [path("broken/", _broken_view), *project_urls.urlpatterns]
handler500 = project_urls.handler500  # Django reads it from the root URLconf
