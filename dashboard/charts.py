"""Subscriber growth as a small line chart drawn on the server as SVG: no script.

Each line ends in its list's name and latest figure, so colour is never the only
cue, and the page shows the same numbers in a table.
"""

from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 170, 12, 28
# Distinguishable in greyscale too, each with a different dash.
STYLES = [("#1d70b8", ""), ("#d4351c", "6 3"), ("#00703c", "2 3"), ("#4c2c92", "8 3 2 3")]


@dataclass(frozen=True)
class Line:
    name: str
    points: str
    colour: str
    dash: str
    end_x: int
    end_y: int
    latest: int
    counts: list[int]


@dataclass(frozen=True)
class Tick:
    label: str
    x: int = 0
    y: int = 0


@dataclass(frozen=True)
class LineChart:
    lines: list[Line]
    months: list[Tick]
    values: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom_y: int = HEIGHT - BOTTOM
    plot_right: int = WIDTH - RIGHT


def _nice_top(value: int) -> int:
    """The axis end: the next of 1, 2, 5 × 10ⁿ at or above ``value``."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def growth_chart(*, months: list[date], growth: list) -> LineChart:
    """One line per mailing list: subscribers at each month's end."""
    top = _nice_top(max([max(g.counts) for g in growth if g.counts] + [1]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(months) - 1, 1)

    def x(i: int) -> int:
        return round(LEFT + i * step)

    def y(v: int) -> int:
        return round(TOP + plot_h - plot_h * v / top)

    lines = []
    for index, g in enumerate(growth):
        colour, dash = STYLES[index % len(STYLES)]
        points = " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(g.counts))
        last = len(g.counts) - 1
        lines.append(
            Line(
                name=g.mailing_list.name,
                points=points,
                colour=colour,
                dash=dash,
                end_x=x(last) + 6,
                # Labels a little apart, so two lists at one figure stay readable.
                end_y=y(g.counts[last]) + 4 + 12 * index,
                latest=g.counts[last],
                counts=g.counts,
            )
        )
    ticks = [
        Tick(label=f"{m:%b}" + (f" {m:%Y}" if i in (0, len(months) - 1) else ""), x=x(i))
        for i, m in enumerate(months)
    ]
    values = [Tick(label=str(v), y=y(v)) for v in (0, top // 2, top)]
    return LineChart(lines=lines, months=ticks, values=values)
