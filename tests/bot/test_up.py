"""`faultmaven up` checks the approval policy before it starts anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import get_settings


def test_up_refuses_a_broken_policy_file_with_the_field_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("rules:\n  - name: restarts\n    actions: ['restart*']\n    level: maybe\n")
    monkeypatch.setenv("FAULTMAVEN_POLICY_FILE", str(policy))
    monkeypatch.setenv("FAULTMAVEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    try:
        assert main(["up", "--port", "0"]) == 2
    finally:
        get_settings.cache_clear()

    error = capsys.readouterr().err
    assert "policy.yaml" in error and "rules[0].level" in error
    assert not (tmp_path / "data" / "redis").exists()  # nothing was started
