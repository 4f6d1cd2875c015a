"""Benchmark: Lighthouse scores and first-load weight of the home page, an issue and the booking page.

Run with ``make bench-lighthouse`` or ``.venv/bin/python bench/lighthouse.py``. It needs
the PostgreSQL and Redis that ``make test`` uses and Debian's Chromium (``make
chromium``); Lighthouse itself (npm ``lighthouse`` 12) is installed on first use into
``var/lighthouse``, not with the project's own packages, so ``make install`` and
``make test`` stay light. It creates and drops its own database
(``dscp_bench_lighthouse``, with the demo content) and empties Redis database 9.

The portal runs as production does: DEBUG off, gunicorn, static files collected with
hashed names and compressed, served by whitenoise. For each page Lighthouse's default
run (a mobile device, simulated slow 4G) prints the performance, accessibility and
best-practices scores and the bytes a first visit transfers (HTML, CSS, JavaScript,
images and fonts, as compressed on the wire).

Targets (issue 17): each score at least 95; the home page's first load under 100 KB.
"""

import argparse
import json
import os
import subprocess
import tempfile
from pathlib import Path

from harness import ROOT, database_admin, production_env, start_gunicorn

DATABASE = "dscp_bench_lighthouse"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
REDIS_URL = "redis://127.0.0.1:6379/9"
ENV = production_env(
    database=DATABASE_URL, redis=REDIS_URL, broker=REDIS_URL, STATIC_MANIFEST="true"
)
os.environ.update(ENV)

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from newsletter import selectors as newsletter_selectors  # noqa: E402
from training import selectors as training_selectors  # noqa: E402

LIGHTHOUSE_VERSION = "12"
PREFIX = ROOT / "var" / "lighthouse"
LIGHTHOUSE = PREFIX / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices")


def lighthouse_installed() -> Path:
    if not LIGHTHOUSE.exists():
        print(f"Installing lighthouse@{LIGHTHOUSE_VERSION} into {PREFIX}", flush=True)
        PREFIX.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                "--prefix",
                str(PREFIX),
                f"lighthouse@{LIGHTHOUSE_VERSION}",
            ],
            check=True,
        )
    return LIGHTHOUSE


def audit(url: str, out: Path) -> dict:
    """One Lighthouse run; its scores (0-100) and the first load's bytes and requests."""
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ],
        env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
        check=True,
    )
    result = json.loads(out.read_text())
    items = result["audits"]["network-requests"]["details"]["items"]
    failed = [
        f"{a['id']}: {a['title']}"
        for a in result["audits"].values()
        if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") == "binary"
    ]
    return {
        **{c: round(result["categories"][c]["score"] * 100) for c in CATEGORIES},
        "kb": result["audits"]["total-byte-weight"]["numericValue"] / 1024,
        "requests": len(items),
        "failed": failed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list each page's failed audits")
    args = parser.parse_args()
    lighthouse_installed()
    database_admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    database_admin(f"CREATE DATABASE {DATABASE}")
    cache.clear()
    server = None
    results = {}
    try:
        call_command("migrate", verbosity=0)
        call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        call_command("collectstatic", interactive=False, verbosity=0)
        issue = newsletter_selectors.latest_issue()
        session = training_selectors.upcoming_sessions(limit=1)[0]
        pages = {
            "home": "/",
            "issue": issue.get_absolute_url(),
            "booking page": session.get_absolute_url(),
        }
        connection.close()
        tmp = Path(tempfile.mkdtemp(prefix="bench-lighthouse-"))
        print(f"Reports in {tmp}", flush=True)
        server, port = start_gunicorn(env=ENV, workers=2, log=tmp / "gunicorn.log")
        for page, path in pages.items():
            out = tmp / f"{page.replace(' ', '-')}.json"
            results[page] = audit(f"http://127.0.0.1:{port}{path}", out)
            print(f"  {page}: {results[page]}" if args.verbose else f"  {page} done", flush=True)
    finally:
        if server:
            server.stop(timeout=30)
        connection.close()
        database_admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    report(results)


def report(results: dict) -> None:
    print(f"\nLighthouse {LIGHTHOUSE_VERSION} (mobile, simulated slow 4G), production settings\n")
    header = (
        f"{'page':<14} {'performance':>11} {'accessibility':>13} {'best-practices':>14} "
        f"{'first load KB':>13} {'requests':>8}"
    )
    print(header)
    print("-" * len(header))
    for page, r in results.items():
        print(
            f"{page:<14} {r['performance']:>11} {r['accessibility']:>13} "
            f"{r['best-practices']:>14} {r['kb']:>13.1f} {r['requests']:>8}"
        )
    print("\nTargets:")
    for page, r in results.items():
        low = [c for c in CATEGORIES if r[c] < 95]
        print(f"  {page}: every score >= 95: {'met' if not low else 'NOT met: ' + ', '.join(low)}")
    if "home" in results:
        kb = results["home"]["kb"]
        print(f"  home first load < 100 KB: {kb:.1f} KB ({'met' if kb < 100 else 'NOT met'})")


if __name__ == "__main__":
    main()
