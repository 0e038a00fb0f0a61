"""`python -m bench.reliability [--quick] [--json]`: the fault-injection suite and its table of figures.

Everything runs on loopback against processes this suite starts and stops: redis-server, `faultmaven serve`,
`faultmaven worker` and the recording Slack Web API. Exit status 1 when any target is missed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from bench.reliability import faults, inputs, trust
from bench.reliability.stack import Result, Stack

Scenario = Callable[[Stack], Result]


def _sizes(quick: bool) -> dict[str, int]:
    if quick:
        return {
            "redeliveries": 40,
            "fuzz": 600,
            "forged": 100,
            "kills": 3,
            "outage_commands": 6,
            "outage_seconds": 3,
            "alerts": 20,
            "storm_seconds": 4,
            "abuse": 30,
            "slow": 10,
        }
    return {
        "redeliveries": 1000,
        "fuzz": 10_000,
        "forged": 1201,
        "kills": 50,
        "outage_commands": 100,
        "outage_seconds": 30,
        "alerts": 200,
        "storm_seconds": 40,
        "abuse": 200,
        "slow": 50,
    }


def groups(quick: bool) -> list[tuple[str, list[Scenario]]]:
    """Scenarios that share one set of processes, in order; each group gets fresh ones."""
    n = _sizes(quick)
    hostile: list[Scenario] = [
        lambda s: inputs.forged(s, n["forged"]),
        lambda s: inputs.fuzz(s, n["fuzz"]),
        lambda s: inputs.redeliveries(s, n["redeliveries"]),
        lambda s: trust.approval_abuse(s, n["abuse"]),
        trust.secrets_corpus,
        trust.audit_tampering,
    ]
    plan = [
        ("hostile input", hostile),
        ("killed workers", [lambda s: faults.sigkills(s, n["kills"])]),
        ("redis outage", [lambda s: faults.redis_outage(s, n["outage_commands"], n["outage_seconds"])]),
        ("slack 429 storm", [lambda s: faults.storm(s, n["alerts"], n["storm_seconds"], 1.0)]),
        ("slow slack", [lambda s: faults.slow_slack(s, n["slow"])]),
    ]
    return plan


def run(quick: bool, only: set[str] | None = None) -> list[Result]:
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="fm-reliability-") as tmp:
        for index, (name, scenarios) in enumerate(groups(quick)):
            if only and name not in only:
                continue
            stack = Stack(Path(tmp) / f"group-{index}", {"FAULTMAVEN_EXECUTION_MODE": "dry-run"})
            try:
                stack.start_web()
                stack.ensure_worker()
                for scenario in scenarios:
                    started = time.monotonic()
                    result = scenario(stack)
                    result.details["seconds"] = round(time.monotonic() - started, 1)
                    results.append(result)
                    print(
                        f"  {'met ' if result.met else 'MISS'} {result.test}: {result.figure} "
                        f"({result.details['seconds']} s)",
                        file=sys.stderr,
                        flush=True,
                    )
            finally:
                stack.stop()
    return results


def table(results: list[Result]) -> str:
    width = max(len(r.test) for r in results)
    lines = [f"{'test':<{width}}  {'target':<48}  result", "-" * (width + 60)]
    for r in results:
        lines.append(f"{r.test:<{width}}  {r.target:<48}  {'✅' if r.met else '❌'} {r.figure}")
    met = sum(r.met for r in results)
    lines.append(f"reliability: {met} passed, {len(results) - met} failed")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reliability", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the fast subset that `make test` runs")
    parser.add_argument("--json", action="store_true", help="one JSON document instead of the table")
    parser.add_argument("--only", action="append", help="run only this group (repeatable)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    results = run(args.quick, set(args.only) if args.only else None)
    if args.json:
        print(
            json.dumps(
                {
                    "quick": args.quick,
                    "seconds": round(time.monotonic() - started),
                    "results": [asdict(r) for r in results],
                },
                indent=2,
            )
        )
    else:
        print(table(results))
        print(f"reliability suite ({'quick' if args.quick else 'full'}): {time.monotonic() - started:.0f} s")
    return 0 if all(r.met for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
