"""`faultmaven audit verify`: walk the hash chain and say whether anyone touched it."""

from __future__ import annotations

import argparse

from bot.settings import Settings
from storage.audit import AuditLog
from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade

# Enough of the head hash to compare by eye with a copy kept outside the database.
HEAD_PREFIX = 16


def cmd_audit_verify(settings: Settings, _args: argparse.Namespace) -> int:
    upgrade(settings.resolved_database_url)
    engine = make_engine(settings.resolved_database_url)
    try:
        result = AuditLog(make_session_factory(engine)).verify()
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
    verify.set_defaults(func=cmd_audit_verify)
