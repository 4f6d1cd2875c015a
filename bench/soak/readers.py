"""Readers: people loading the public pages and searching, all the time; and a probe that
asks for a page every half second, whose answers time each fault's recovery.

Pages come from the issues and courses the other workloads create, so the page cache is
renewed as staff publish, as on a real day.
"""

import asyncio
import contextlib
import random

from django.db import InterfaceError, OperationalError

from newsletter.models import Issue
from training.models import Course

SEARCHES = ["safeguarding", "neglect", "training", "soak", "early help", "domestic abuse"]
PROBE_EVERY_S = 0.5
# The probe's pages: one served from the page cache, one that reads the database each time.
PROBE_PATHS = ["/", "/search/?q=safeguarding"]


def content_paths() -> list[str]:
    issues = [
        f"/newsletter/{slug}/"
        for slug in Issue.objects.filter(status="published").values_list("slug", flat=True)[:20]
    ]
    courses = [
        f"/training/courses/{slug}/" for slug in Course.objects.values_list("slug", flat=True)[:20]
    ]
    return issues + courses


async def run(ctx) -> None:
    rng = random.Random(ctx.facts["seed"] + 3)
    await asyncio.gather(probe(ctx), *(read(ctx, i, rng) for i in range(ctx.plan.readers)))


async def read(ctx, reader: int, rng: random.Random) -> None:
    paths = ["/", "/newsletter/", "/training/", "/training/events/", "/priorities/"]
    n = 0
    while not ctx.stopping():
        n += 1
        if n % 50 == 1:
            # A reader keeps the pages it knew while the database is away.
            with contextlib.suppress(OperationalError, InterfaceError):
                paths = paths[:5] + await ctx.db(content_paths, patience=5)
        if rng.random() < 0.25:
            path = f"/search/?q={rng.choice(SEARCHES).replace(' ', '+')}"
        else:
            path = rng.choice(paths)
        await ctx.http.call("page", "GET", path, address=f"10.210.{reader}.{n % 250 + 1}")
        await ctx.sleep(rng.uniform(0.2, 0.8))


async def probe(ctx) -> None:
    n = 0
    while not ctx.stopping():
        n += 1
        await ctx.http.call(
            "probe", "GET", PROBE_PATHS[n % len(PROBE_PATHS)], address=f"10.211.0.{n % 250 + 1}"
        )
        await ctx.sleep(PROBE_EVERY_S)
