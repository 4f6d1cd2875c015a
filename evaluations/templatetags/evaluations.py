"""Live evaluation figures for other apps' templates, e.g. a newsletter article's block."""

from django import template

from evaluations import charts, selectors

register = template.Library()


@register.inclusion_tag("evaluations/_figure.html")
def evaluation_figure(figure, heading_level: int = 3, email: bool = False):
    """A figure block: headline numbers and its charts on a page, a table in an email."""
    report = selectors.report_summary(filters=selectors.ReportFilters(evaluation=figure.evaluation))
    chosen = []
    if figure.show_works_with:
        chosen.append(charts.works_with_chart(report, prefix=f"{figure.slug}-"))
    if figure.show_ratings:
        chosen.append(charts.ratings_chart(report, prefix=f"{figure.slug}-"))
    return {
        "figure": figure,
        "report": report,
        "charts": chosen if report.responses else [],
        "heading": f"h{heading_level}",
        "chart_heading": f"h{min(heading_level + 1, 6)}",
        "email": email,
    }


@register.inclusion_tag("evaluations/_figure.txt")
def evaluation_figure_text(figure):
    """The same block as plain text, for an email's text part."""
    return evaluation_figure(figure)
