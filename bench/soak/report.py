"""The soak's report: a timeline picture a person can take in at a glance, report.txt with
every check's figure, and the one final line CI and the README quote.

The picture (matplotlib, drawn off-screen) has three panes sharing the clock: messages/s
received by the sink, booking posts accepted per second, and the p95 page latency; every
fault is a labelled vertical line across all three, every supervisor restart a tick.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

COLOURS = {
    "worker_pool_kill": "#d4351c",
    "worker_main_kill": "#942514",
    "beat_kill": "#f47738",
    "gunicorn_worker_kill": "#912b88",
    "gunicorn_master_kill": "#4c2c92",
    "redis_restart": "#1d70b8",
    "postgres_immediate": "#003078",
    "smtp_stall": "#00703c",
    "smtp_drop": "#85994b",
    "smtp_421": "#505a5f",
    "smtp_451": "#b1b4b6",
}
SERIES = [
    ("messages_per_s", "messages/s"),
    ("bookings_per_s", "bookings/s"),
    ("page_p95_s", "page p95 (s)"),
]


def picture(timeline, folder: Path, *, title: str) -> Path:
    start = timeline.started
    figure, axes = plt.subplots(len(SERIES), 1, figsize=(13, 8), sharex=True)
    for ax, (series, label) in zip(axes, SERIES, strict=True):
        points = timeline.samples(series)
        ax.plot(
            [(t - start) / 60 for t, _ in points], [v for _, v in points], lw=1.2, color="#0b0c0c"
        )
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        for fault in timeline.faults():
            x = (fault["started"] - start) / 60
            ax.axvspan(
                x,
                (fault["ended"] - start) / 60,
                color=COLOURS.get(fault["fault"], "grey"),
                alpha=0.15,
            )
            ax.axvline(x, color=COLOURS.get(fault["fault"], "grey"), lw=1)
        for restart in timeline.marks("restart"):
            ax.plot([(restart["t"] - start) / 60], [0], marker="|", color="#6f777b", ms=8)
    top = axes[0]
    for fault in timeline.faults():
        top.annotate(
            fault["fault"].replace("_", " "),
            ((fault["started"] - start) / 60, 1),
            xycoords=("data", "axes fraction"),
            rotation=90,
            fontsize=7,
            va="top",
            ha="right",
            color=COLOURS.get(fault["fault"], "grey"),
        )
    axes[-1].set_xlabel("minutes into the run")
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    path = folder / "timeline.png"
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def final_line(
    *,
    minutes: float,
    faults: int,
    lost: int,
    twice: int,
    bound: int,
    errors: int,
    p95: float,
    ok: bool,
) -> str:
    return (
        f"SOAK: minutes={minutes:g} faults={faults} lost={lost} twice={twice} (bound {bound}) "
        f"server_errors_outside_faults={errors} recovery_p95_s={p95:.1f} "
        f"verdict={'PASS' if ok else 'FAIL'}"
    )
