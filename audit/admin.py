from django.contrib import admin

from audit.models import AuditEntry
from dscp.admin_readonly import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: an audit log nobody can edit or delete from admin."""

    list_display = ["at", "actor_name", "action", "subject", "count"]
    list_filter = ["action"]
    search_fields = ["actor_name", "subject"]
    date_hierarchy = "at"
