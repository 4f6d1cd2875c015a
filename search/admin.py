from django.contrib import admin

from dscp.admin_readonly import ReadOnlyAdmin
from search.models import Entry


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    """What the public search can find, for staff checking why something does (not) show."""

    list_display = ["title", "kind", "context", "date", "indexed_at"]
    list_filter = ["kind"]
    search_fields = ["title"]
    fields = ["kind", "title", "context", "summary", "body", "url", "date", "indexed_at"]
    readonly_fields = fields
