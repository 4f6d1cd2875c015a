"""Bar charts drawn on the server as SVG: no script, no external service.

Each bar carries its label and value as text, so colour is never the only cue,
and every chart is shown with a table of the same numbers beside it.
"""

from dataclasses import dataclass

from evaluations.selectors import Report

WIDTH = 560
LABEL_WIDTH = 190
VALUE_WIDTH = 70
BAR_HEIGHT = 28
GAP = 12


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    y: int
    width: int

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT // 2 + 5

    @property
    def value_x(self) -> int:
        """Where the value's text starts: just past the bar's end."""
        return LABEL_WIDTH + self.width + 6


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    value_heading: str
    bars: list[Bar]
    bar_height: int = BAR_HEIGHT
    width: int = WIDTH

    @property
    def height(self) -> int:
        return len(self.bars) * (BAR_HEIGHT + GAP) + GAP

    @property
    def bar_x(self) -> int:
        return LABEL_WIDTH


def bar_chart(
    *, slug: str, title: str, value_heading: str, rows: list[tuple[str, float, str]], scale: float
) -> Chart:
    """A horizontal bar chart; ``rows`` are (label, value, value as text), ``scale`` the axis end."""
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = [
        Bar(
            label=label,
            text=text,
            y=GAP + i * (BAR_HEIGHT + GAP),
            # A zero still shows a sliver, so the reader sees the bar is there.
            width=max(2, round(room * value / scale)) if scale else 2,
        )
        for i, (label, value, text) in enumerate(rows)
    ]
    return Chart(slug=slug, title=title, value_heading=value_heading, bars=bars)


def count_chart(*, slug: str, title: str, counts: list[tuple[str, int]]) -> Chart:
    """Counts with each one's share of the total, e.g. "38 (38%)"."""
    total = sum(n for _, n in counts)
    rows = [(label, n, f"{n} ({round(100 * n / total)}%)" if total else "0") for label, n in counts]
    return bar_chart(
        slug=slug,
        title=title,
        value_heading="Responses",
        rows=rows,
        scale=max((n for _, n in counts), default=0),
    )


def works_with_chart(report: Report, *, prefix: str = "") -> Chart:
    return count_chart(
        slug=f"{prefix}works-with", title="Do you work with:", counts=report.works_with
    )


def ratings_chart(report: Report, *, prefix: str = "") -> Chart:
    return count_chart(
        slug=f"{prefix}ratings",
        title="How did you rate the session? (5 is excellent)",
        counts=[(f"{label} out of 5", n) for label, n in report.ratings],
    )


def before_after_chart(report: Report) -> Chart:
    rows = []
    for measure in (report.knowledge, report.confidence):
        for when, value in (("before", measure.before), ("after", measure.after)):
            if value is not None:
                rows.append((f"{measure.label} {when}", value, f"{value:.2f}"))
    return bar_chart(
        slug="before-after",
        title="Knowledge and confidence before and after (average, 1 to 10)",
        value_heading="Average",
        rows=rows,
        scale=10,
    )


def agencies_chart(report: Report) -> Chart:
    return count_chart(slug="agencies", title="Responses by organisation", counts=report.agencies)


def report_charts(report: Report) -> list[Chart]:
    """The staff report's charts, in reading order."""
    if not report.responses:
        return []
    return [
        ratings_chart(report),
        before_after_chart(report),
        works_with_chart(report),
        agencies_chart(report),
    ]
