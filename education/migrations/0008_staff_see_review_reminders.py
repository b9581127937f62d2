"""Both staff roles may see which review reminders were sent."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ["Leaflet editors", "Clinical approvers"]
PERMISSIONS = ["view_reviewreminder"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="education", codename__in=PERMISSIONS)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="education", codename__in=PERMISSIONS)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [("education", "0007_review_reminders")]
    operations = [migrations.RunPython(grant, revoke)]
