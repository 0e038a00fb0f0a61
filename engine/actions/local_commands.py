"""The local command executor: allow-listed templates with typed parameters, argv only, never a shell."""

from __future__ import annotations

import logging
import shlex
import subprocess

from engine.actions.executors import ExecutionRequest, ExecutionResult, Purpose, truncate
from engine.approvals.templates import CommandTemplate, TemplateParameterError

log = logging.getLogger(__name__)


class LocalCommandExecutor:
    """Runs allow-listed command templates with typed parameters: argv only, never a shell."""

    name = "local"

    def __init__(self, templates: dict[str, CommandTemplate]) -> None:
        self._templates = dict(templates)

    def handles(self, req: ExecutionRequest) -> bool:
        """Whether the action names one of our templates (for every purpose)."""
        return req.action in self._templates

    def template_for(self, action: str, purpose: Purpose) -> str | None:
        """Which template runs for this action and purpose; None when there is none (e.g. no rollback)."""
        template = self._templates.get(action)
        if template is None:
            return None
        if purpose == "execute":
            return action
        return template.rollback if purpose == "rollback" else template.verify

    def execute(self, req: ExecutionRequest) -> ExecutionResult:
        """Check the parameters, build argv, run it (or describe it in a dry run)."""
        name = self.template_for(req.action, req.purpose)
        if name is None:
            return self._not_run(req, f"{req.action} has no {req.purpose} command defined")
        template = self._templates[name]
        parameters = req.parameters
        if req.purpose != "execute":
            # A rollback/verify template takes a subset of the action's parameters (checked at load).
            parameters = {k: v for k, v in req.parameters.items() if k in template.params}
        try:
            argv = template.build_argv(parameters)
        except TemplateParameterError as error:
            return self._not_run(req, str(error))
        shown = shlex.join(argv)
        details = {"template": name, "argv": shown}
        if req.dry_run:
            return ExecutionResult(
                ok=True,
                executor=self.name,
                dry_run=True,
                summary=f"Dry run: would run `{shown}`",
                details=details,
            )
        log.info("running local command template", extra={"proposal_id": req.proposal_id, "template": name})
        return self._run(argv, shown, template.timeout_seconds, details)

    def _run(self, argv: list[str], shown: str, timeout: int, details: dict[str, str]) -> ExecutionResult:
        try:
            done = subprocess.run(
                argv,
                shell=False,
                capture_output=True,
                text=True,
                timeout=timeout,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            output = _text(error.stdout) + _text(error.stderr)
            summary = f"`{shown}` did not finish within {timeout} s and was stopped"
            return self._ran(False, summary, output, details)
        except FileNotFoundError:
            return self._ran(False, f"Not run: {argv[0]} is not installed on the worker", "", details)
        except OSError as error:
            return self._ran(False, f"Not run: {argv[0]} could not start ({error.strerror})", "", details)
        details["exit_code"] = str(done.returncode)
        if done.returncode == 0:
            summary = f"Ran `{shown}` (exit 0)"
        else:
            summary = f"`{shown}` failed with exit code {done.returncode}"
        return self._ran(done.returncode == 0, summary, done.stdout + done.stderr, details)

    def _ran(self, ok: bool, summary: str, output: str, details: dict[str, str]) -> ExecutionResult:
        return ExecutionResult(
            ok=ok,
            executor=self.name,
            dry_run=False,
            summary=summary,
            output=truncate(output),
            details=details,
        )

    def _not_run(self, req: ExecutionRequest, reason: str) -> ExecutionResult:
        return ExecutionResult(
            ok=False, executor=self.name, dry_run=req.dry_run, summary=f"Not run: {reason}"
        )


def _text(value: str | bytes | None) -> str:
    # TimeoutExpired carries bytes even when text=True was asked for.
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    return value or ""
