"""`faultmaven jobs failed [--since 2d]` and `faultmaven jobs retry ID|--all [--dry-run]`."""

from __future__ import annotations

import argparse
import re
from datetime import timedelta

from bot.settings import Settings
from jobs.failed_jobs import list_failed, retry_failed
from jobs.queue import JobQueue, redis_connection

_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_age(text: str) -> timedelta:
    """`90m`, `12h`, `2d`, `1w` -> a timedelta."""
    match = re.fullmatch(r"\s*(\d+)\s*([smhdw])\s*", text)
    if match is None:
        raise argparse.ArgumentTypeError(f"{text!r}: use a number and s, m, h, d or w (e.g. 2d)")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def cmd_jobs_failed(settings: Settings, args: argparse.Namespace) -> int:
    failed = list_failed(JobQueue(redis_connection(settings.resolved_redis_url)), since=args.since)
    if not failed:
        print("no failed jobs")
        return 0
    for job in failed:
        when = job.failed_at.strftime("%Y-%m-%d %H:%M:%S") if job.failed_at else "?"
        case = f"FM-{job.case_id}" if job.case_id is not None else "-"
        print(f"{job.id}  {job.queue:<7}  {when}  {case:<8}  {job.error}")
    print(f"{len(failed)} failed; `faultmaven jobs retry ID` or `--all` re-enqueues them")
    return 0


def cmd_jobs_retry(settings: Settings, args: argparse.Namespace) -> int:
    queue = JobQueue(redis_connection(settings.resolved_redis_url))
    ids = [job.id for job in list_failed(queue)] if args.all else args.ids
    if not ids:
        print("give job ids or --all (see `faultmaven jobs failed`)")
        return 2
    requeued = retry_failed(queue, ids, dry_run=args.dry_run)
    verb = "would re-enqueue" if args.dry_run else "re-enqueued"
    for job_id in requeued:
        print(f"{verb} {job_id}")
    missing = sorted(set(ids) - set(requeued))
    for job_id in missing:
        print(f"not a failed job: {job_id}")
    return 1 if missing else 0


def add_jobs_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Attach `jobs failed` and `jobs retry` to the CLI."""
    jobs = sub.add_parser("jobs", help="failed background jobs: list and retry")
    commands = jobs.add_subparsers(dest="jobs_command", required=True)
    failed = commands.add_parser("failed", help="failed jobs with their error and case, newest first")
    failed.add_argument("--since", type=parse_age, help="only those failed this recently, e.g. 2d or 6h")
    failed.set_defaults(func=cmd_jobs_failed)
    retry = commands.add_parser("retry", help="re-enqueue failed jobs (jobs are idempotent)")
    retry.add_argument("ids", nargs="*", metavar="ID", help="job ids from `faultmaven jobs failed`")
    retry.add_argument("--all", action="store_true", help="every failed job")
    retry.add_argument("--dry-run", action="store_true", help="say what would be re-enqueued, change nothing")
    retry.set_defaults(func=cmd_jobs_retry)
