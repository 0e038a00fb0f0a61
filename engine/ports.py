"""Interfaces through which engine code reaches the outside world."""

from typing import Protocol

from engine.models import CaseContext, Diagnosis


class DiagnosisEngine(Protocol):
    """Anything that turns a case's history into a Diagnosis."""

    name: str

    def diagnose(self, case: CaseContext) -> Diagnosis:
        """Return the diagnosis for the case as it stands now."""
        ...
