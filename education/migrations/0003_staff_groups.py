"""The two staff roles: editors write and submit drafts; clinical approvers also sign off and retire."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Leaflet editors"
APPROVERS = "Clinical approvers"
EDITOR_PERMISSIONS = [
    ("education", "view_leaflet"),
    ("education", "add_leaflet"),
    ("education", "change_leaflet"),
    ("education", "view_leafletversion"),
    ("education", "add_leafletversion"),
    ("education", "change_leafletversion"),
    ("education", "submit_leafletversion"),
    ("education", "view_helpsign"),
    ("education", "add_helpsign"),
    ("education", "change_helpsign"),
    ("education", "delete_helpsign"),
    ("education", "view_auditevent"),
    ("clinic", "view_clinic"),
]
APPROVER_PERMISSIONS = [*EDITOR_PERMISSIONS, ("education", "approve_leafletversion"), ("education", "retire_leaflet")]


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in ((EDITORS, EDITOR_PERMISSIONS), (APPROVERS, APPROVER_PERMISSIONS)):
        group, _created = Group.objects.get_or_create(name=name)
        for app_label, codename in wanted:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITORS, APPROVERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("education", "0002_protect_history"),
        ("clinic", "0001_clinic"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_groups, remove_groups)]
