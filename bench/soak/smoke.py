"""A quick check of the soak's own machinery: start the stack, do each fault once, see the
supervisor bring back what died, stop, and find no process left behind.

    python -m bench.soak.smoke [--faults worker_pool_kill,redis_restart] [--seed 1]
"""

import argparse
import random
import time

from bench.soak.faults import FAULT_KINDS, inject
from bench.soak.stack import Stack
from bench.soak.timeline import Timeline
from tests.support.processes import ROOT, group_pids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faults", default="all")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    kinds = FAULT_KINDS if args.faults == "all" else args.faults.split(",")
    folder = ROOT / "var" / "soak" / f"smoke-{time.strftime('%Y%m%d-%H%M%S')}"
    timeline = Timeline(folder / "timeline.jsonl")
    stack = Stack(folder, timeline=timeline, seed=args.seed)
    rng = random.Random(args.seed)
    started = time.monotonic()
    stack.start()
    print(f"stack up in {time.monotonic() - started:.1f}s: {stack.base_url}, logs in {folder}")
    groups: set[int] = set()
    try:
        for kind in kinds:
            groups |= {service.pid for service in stack.services.values()}
            event = inject(stack, kind, rng)
            print(f"{kind:22} {event.ended - event.started:5.1f}s  {event.detail}", flush=True)
            time.sleep(6)  # the supervisor restarts within 2-5 s
            down = [name for name, service in stack.services.items() if not service.running()]
            print(f"{'':22} not running now: {down or 'none'}", flush=True)
        groups |= {service.pid for service in stack.services.values()}
        print("restarts:", [(m["name"], m["pid"]) for m in timeline.marks("restart")])
        print("failed faults:", timeline.marks("fault_failed") or "none")
    finally:
        stack.stop()
    left = {group: group_pids(group) for group in groups if group_pids(group)}
    print(
        f"processes left behind: {left or 'none'}; temporary folder removed: {stack._tmp is None}"
    )


if __name__ == "__main__":
    main()
