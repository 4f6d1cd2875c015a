"""Run the storm soak: ``python -m bench.soak --minutes 30 --seed 7 --faults all``.

1. Start the stack (bench.soak.stack) in ``var/soak/<stamp>/`` (``var/soak/latest`` points
   at it) and set up this process's Django on its database, for staff actions and checks.
2. For ``--minutes``, run the work (bench.soak.work) while the faults (bench.soak.faults)
   land at times drawn from the seed; the plan keeps the last fifth of the run quiet.
3. Let it drain (every send done, the queues empty), then run the checks; print each with
   its figure, draw the timeline picture and write report.txt; the last line printed is
   the SOAK line. Exit 0 only on PASS.
"""

import argparse
import asyncio
import os
import random
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

# Settings the work needs in every process of the stack, on top of the stack's own:
# holds lapse within minutes, so releases and waiting-list promotions happen in a run.
WORK_ENV = {"TRAINING_BOOKING_HOLD_HOURS": "0.05"}
# Beat releases lapsed holds every five minutes (crontab */5): a hold may wait that long.
RELEASE_SLACK_S = 5 * 60 + 60
DRAIN_TIMEOUT_S = 420
# Worker memory is read once the stack is warm (a send and a rush have run).
MEMORY_AFTER_S = 45


def arguments(argv=None) -> argparse.Namespace:
    from bench.soak.faults import FAULT_KINDS

    parser = argparse.ArgumentParser(
        prog="python -m bench.soak", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--minutes", type=float, default=30, help="how long the work and faults run"
    )
    parser.add_argument(
        "--seed", type=int, default=None, help="faults' times and kinds (default: random)"
    )
    parser.add_argument(
        "--faults",
        default="all",
        help=f"'all', 'none', or a comma-separated list of: {', '.join(FAULT_KINDS)}",
    )
    args = parser.parse_args(argv)
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(1, 100_000)
    args.kinds = (
        list(FAULT_KINDS)
        if args.faults == "all"
        else []
        if args.faults == "none"
        else [k for k in args.faults.split(",") if k]
    )
    return args


def main(argv=None, stack_class=None) -> int:
    args = arguments(argv)
    from bench.soak.timeline import Timeline

    if stack_class is None:
        from bench.soak.stack import Stack as stack_class
    stamp = time.strftime("%Y%m%d-%H%M%S")
    folder = ROOT / "var" / "soak" / stamp
    folder.mkdir(parents=True, exist_ok=True)
    latest = folder.parent / "latest"
    latest.unlink(missing_ok=True)
    latest.symlink_to(stamp)
    print(
        f"soak: seed={args.seed} minutes={args.minutes:g} faults={','.join(args.kinds) or 'none'}"
    )
    print(f"soak: logs, sink record, timeline in {folder}", flush=True)
    timeline = Timeline(folder / "timeline.jsonl")
    stack = stack_class(folder, timeline=timeline, seed=args.seed)
    stack.env.update(WORK_ENV)
    try:
        started = time.monotonic()
        stack.start()
        print(
            f"soak: stack up in {time.monotonic() - started:.0f} s at {stack.base_url}", flush=True
        )
        os.environ.update(stack.env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "dscp.settings"
        import django

        django.setup()
        return storm(args, stack, timeline, folder)
    finally:
        stack.stop()


def storm(args, stack, timeline, folder: Path) -> int:
    from bench.soak import faults, work
    from bench.soak.verdict import conclude, memory_kb

    plan = faults.plan(args.seed, args.minutes, args.kinds)
    for at, kind in plan:
        print(f"soak: planned {kind} at {at:.0f} s", flush=True)
    ctx = work.Context(
        plan=work.Plan.for_minutes(args.minutes),
        port=int(stack.base_url.rsplit(":", 1)[1]),
        sink_record=stack.sink_record,
        timeline=timeline,
        work_seconds=args.minutes * 60,
    )
    ctx.facts["seed"] = args.seed
    stop = threading.Event()
    memory: dict = {}

    def read_memory() -> None:
        if not stop.wait(MEMORY_AFTER_S):
            memory["start"] = memory_kb(stack)

    threading.Thread(target=read_memory, daemon=True).start()
    storm_thread = faults.run(stack, plan, random.Random(args.seed), stop)
    ctx.faults_pending = storm_thread.is_alive
    try:
        asyncio.run(work.run(ctx))
    finally:
        stop.set()
        storm_thread.join(timeout=120)
    print(
        f"soak: work done at {time.strftime('%H:%M:%S')} after "
        f"{time.time() - ctx.started:.0f} s; draining",
        flush=True,
    )
    return conclude(args, stack, timeline, folder, ctx, memory.get("start", {}))


if __name__ == "__main__":
    sys.exit(main())
