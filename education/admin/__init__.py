"""The staff side: leaflets, versions and their sign-off. Every change calls a service in `education.services`.

Django's autodiscovery imports `education.admin`; importing the modules here registers the model admins."""

from education.admin import versions
from education.admin.versions import LeafletAdmin

__all__ = ["LeafletAdmin", "versions"]
