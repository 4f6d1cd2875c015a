from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """Django admin, whose index is the staff home (``dashboard.sites.StaffAdminSite``)."""

    default_site = "dashboard.sites.StaffAdminSite"
