"""Staff roles as groups, least privilege: each can do its job and nothing else.

Exporting personal data (``audit.export_personal_data``) is in no group: an
administrator grants it to the named people who need it.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALL = ("add", "change", "delete", "view")
APPS = ("newsletter", "priorities", "training", "evaluations", "subscriptions", "audit")

ROLES = {
    "Newsletter editor": {
        "newsletter": ALL,
        "subscriptions": [("view", "mailinglist")],
    },
    "Training administrator": {"training": ALL, "evaluations": ALL},
    "Subscriptions administrator": {"subscriptions": ALL},
    "Priorities editor": {"priorities": ALL},
    # Reports and everything read-only, plus publishing issues.
    "Partnership manager": {
        **{app: ("view",) for app in APPS},
        "newsletter": ("view", ("change", "issue")),
    },
}


def _codenames(apps, app_label, grants):
    """Permission codenames for an app: whole actions across its models, or (action, model)."""
    models = [m._meta.model_name for m in apps.get_app_config(app_label).get_models()]
    for grant in grants:
        if isinstance(grant, tuple):
            yield f"{grant[0]}_{grant[1]}"
        else:
            yield from (f"{grant}_{model}" for model in models)


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = [
            (app_label, codename)
            for app_label, app_grants in grants.items()
            for codename in _codenames(apps, app_label, app_grants)
        ]
        permissions = [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in wanted
            if Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).exists()
        ]
        # All users see the audit log: it holds no personal data.
        permissions.append(
            Permission.objects.get(content_type__app_label="audit", codename="view_auditentry")
        )
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("newsletter", "0006_publish_at_and_publish_with_send"),
        ("priorities", "0004_owner_not_just_spaces"),
        ("training", "0002_course_start_link_session_joining_link"),
        ("evaluations", "0001_initial"),
        ("subscriptions", "0002_lists_never_preticked"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
