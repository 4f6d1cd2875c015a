from dashboard import selectors
from dashboard.charts import growth_chart
from dscp.admin_security import TwoFactorAdminSite


class StaffAdminSite(TwoFactorAdminSite):
    """The admin, opening on what needs doing today rather than a list of models."""

    index_template = "admin/dashboard.html"

    def index(self, request, extra_context=None):
        home = selectors.staff_home()
        return super().index(
            request,
            {
                "title": "What needs doing",
                "home": home,
                "growth": growth_chart(months=home.months, growth=home.growth),
                **(extra_context or {}),
            },
        )
