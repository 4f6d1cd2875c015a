from django.contrib import admin

from search.models import Entry


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    """What the public search can find, for staff checking why something does (not) show."""

    list_display = ["title", "kind", "context", "date", "indexed_at"]
    list_filter = ["kind"]
    search_fields = ["title"]
    fields = ["kind", "title", "context", "summary", "body", "url", "date", "indexed_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
