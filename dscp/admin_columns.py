"""Admin list columns shared by the apps."""

from django.contrib import admin


def annotated_column(name: str, *, description: str, boolean: bool = False):
    """A change-list column showing a value the queryset annotated, sortable by it."""

    @admin.display(description=description, ordering=name, boolean=boolean)
    def column(model_admin, obj):
        return getattr(obj, name)

    return column
