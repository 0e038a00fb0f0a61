"""`faultmaven eval diagnosis|thread --cases FILE.jsonl`: measure the configured engine and reply triage."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.settings import Settings

DEFAULT_CASES = Path("bench/data/diagnosis_dev.jsonl")
DEFAULT_THREAD_CASES = Path("eval/thread/thread_dev.jsonl")


def cmd_eval_diagnosis(settings: Settings, args: argparse.Namespace) -> int:
    """Print top-1/top-3 category accuracy and latency, as a table or JSON."""
    # Imported here: engines pull in numpy and the model, which `faultmaven serve` must not load.
    from bot.engines import build_diagnosis_engine
    from engine.diagnosis_eval import evaluate, load_cases, select_part

    engine = build_diagnosis_engine(settings)
    cases = load_cases(Path(args.cases))
    if args.split:
        cases = select_part(cases, Path(args.split), args.part)
    report = evaluate(engine, cases)
    print(report.as_json() if args.json else report.as_table())
    return 0


def cmd_eval_thread(settings: Settings, args: argparse.Namespace) -> int:
    """Print precision and recall of "this thread message needs an update"."""
    from bot.engines import build_reply_triage
    from engine.replies.evaluation import evaluate as evaluate_thread
    from engine.replies.evaluation import load_messages

    path = Path(args.cases)
    report = evaluate_thread(build_reply_triage(settings), load_messages(path))
    print(report.model_dump_json(indent=2) if args.json else report.as_table(path.name))
    return 0


def add_eval_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `eval diagnosis` and `eval thread` on the CLI."""
    # `eval` may already exist (runbook search registers `eval search`); join it rather than clash.
    evals = sub.choices.get("eval") or sub.add_parser("eval", help="measure engines on labelled data")
    existing = [a for a in evals._actions if isinstance(a, argparse._SubParsersAction)]
    kinds = existing[0] if existing else evals.add_subparsers(dest="eval_command", required=True)
    diagnosis = kinds.add_parser("diagnosis", help="category accuracy and latency of the diagnosis engine")
    diagnosis.add_argument("--cases", default=str(DEFAULT_CASES), help="JSONL lines {id, report, category}")
    diagnosis.add_argument("--json", action="store_true", help="print JSON instead of a table")
    diagnosis.add_argument(
        "--split", help="JSON file of id lists per part, e.g. bench/data/incidents_split.json"
    )
    diagnosis.add_argument(
        "--part", default="dev", choices=["dev", "test"], help="which part of --split to run"
    )
    diagnosis.set_defaults(func=cmd_eval_diagnosis)
    thread = kinds.add_parser("thread", help="precision/recall of which thread messages need an update")
    thread.add_argument(
        "--cases", default=str(DEFAULT_THREAD_CASES), help="JSONL lines {id, text, addressed, label, kind}"
    )
    thread.add_argument("--json", action="store_true", help="print JSON instead of a table")
    thread.set_defaults(func=cmd_eval_thread)
