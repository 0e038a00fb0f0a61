"""`faultmaven audit verify`: walk the hash chain and say whether anyone touched it."""

from __future__ import annotations

import argparse
import re
from datetime import timedelta

from bot.settings import Settings
from storage.audit import AuditLog
from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade

# Enough of the head hash to compare by eye with a copy kept outside the database.
HEAD_PREFIX = 16


def head_hash(text: str) -> str:
    """An `--expect-head` value: the full sha256 hex or the first 16+ characters printed by verify."""
    if not re.fullmatch(r"[0-9a-fA-F]{16,64}", text):
        raise argparse.ArgumentTypeError("a head hash is 16 to 64 hex characters, as `audit verify` prints")
    return text.lower()


def cmd_audit_verify(settings: Settings, args: argparse.Namespace) -> int:
    upgrade(settings.resolved_database_url)
    engine = make_engine(settings.resolved_database_url)
    try:
        result = AuditLog(make_session_factory(engine)).verify(
            expect_head=args.expect_head, settle=timedelta(seconds=args.settle_seconds)
        )
    finally:
        engine.dispose()
    if result.ok:
        print(f"audit log intact: {result.entries} entries (head {result.head_hash[:HEAD_PREFIX]})")
        return 0
    print(f"audit log TAMPERED at seq {result.first_bad_seq}: {result.reason}")
    return 1


def add_audit_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Attach `audit verify` to the CLI."""
    audit = sub.add_parser("audit", help="check the tamper-evident audit trail")
    commands = audit.add_subparsers(dest="audit_command", required=True)
    verify = commands.add_parser("verify", help="recompute the hash chain; exit 1 if it was tampered with")
    verify.add_argument(
        "--expect-head",
        type=head_hash,
        default=None,
        metavar="HASH",
        help="the head hash kept outside the database (a prefix of 16+ characters is enough)",
    )
    verify.add_argument(
        "--settle-seconds",
        type=float,
        default=60.0,
        help="skip rows younger than this in the cross-check: their job may still be writing its entry",
    )
    verify.set_defaults(func=cmd_audit_verify)
