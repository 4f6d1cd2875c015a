from django.db import migrations


def store_inline(apps, schema_editor):
    # A vector of a few KB would otherwise be moved to TOAST, and every match
    # would fetch it back twice (once for @@, once for ts_rank): a search for a
    # common word read ~6 buffers per row. MAIN keeps it in the row, and the
    # body text (not read by searches) goes to TOAST instead.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'ALTER TABLE "search_entry" ALTER COLUMN "search_vector" SET STORAGE MAIN'
        )


def store_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'ALTER TABLE "search_entry" ALTER COLUMN "search_vector" SET STORAGE EXTENDED'
        )


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(store_inline, store_default, elidable=False)]
