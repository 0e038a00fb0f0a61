"""The `/faultmaven stats` chart: weekly cases opened (bars) and median time to resolution (line), as PNG."""

from __future__ import annotations

import io

from engine.learning.team_figures import WeekPoint

WIDTH_PX, HEIGHT_PX, DPI = 800, 400, 100


def render_weekly_chart(weeks: list[WeekPoint], title: str) -> bytes:
    """An 800×400 PNG; built on a Figure object, not pyplot, so no global state leaks between jobs."""
    # Imported here: matplotlib costs a worker ~40 MiB, and only a `stats` answer ever draws.
    import matplotlib
    from matplotlib.figure import Figure

    # Headless: the worker has no display, and Agg renders the same everywhere. Choosing it before
    # anything imports pyplot keeps a GUI backend from ever being tried.
    matplotlib.use("Agg")
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    cases = figure.add_subplot()
    labels = [w.week_start.strftime("%d %b") for w in weeks]
    positions = list(range(len(weeks)))
    cases.bar(positions, [w.opened for w in weeks], color="#4a90d9", label="cases opened")
    cases.set_ylabel("cases opened")
    cases.set_xticks(positions, labels)
    hours = cases.twinx()
    medians = [w.median_ttr_s / 3600 if w.median_ttr_s is not None else float("nan") for w in weeks]
    hours.plot(positions, medians, color="#d9534f", marker="o", label="median time to resolution")
    hours.set_ylabel("median time to resolution (h)")
    hours.set_ylim(bottom=0)
    cases.set_title(title)
    figure.legend(loc="upper left", fontsize="small")
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()
