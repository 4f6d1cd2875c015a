"""A change list staff may read but not add to, edit or delete from (audit log, search index, suppressions)."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """No add, change or delete permission, whoever the staff member is; viewing stays."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
