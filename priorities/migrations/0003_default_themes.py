from django.db import migrations

# The themes the partnership's action plans use; staff add more in admin.
THEMES = ["Communication", "Evaluation", "Data", "Training"]


def add_themes(apps, schema_editor):
    Theme = apps.get_model("priorities", "Theme")
    for order, name in enumerate(THEMES, start=1):
        Theme.objects.get_or_create(name=name, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [
        ("priorities", "0002_learning_cycles_actions_documents"),
    ]

    operations = [
        migrations.RunPython(add_themes, migrations.RunPython.noop),
    ]
