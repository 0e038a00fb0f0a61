"""`faultmaven up --playground` in real processes, driven in headless Debian Chromium like a person would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.redis_server import free_port
from tests.polling import poll_until

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
# Headless, and nothing that phones home: this machine's network is closed.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SLOW = 90_000  # ms: the first diagnosis waits for the worker to start


def skip_loudly(reason: str) -> None:
    message = f"PLAYGROUND BROWSER TEST SKIPPED: {reason}"
    warnings.warn(message, stacklevel=2)
    pytest.skip(message)


@pytest.fixture
def playground_url(tmp_path: Path, redis_url: str) -> Iterator[str]:
    """`faultmaven up --playground` on a free port, with no Slack settings at all."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env |= {
        "REDIS_URL": redis_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fm.db'}",
        "FAULTMAVEN_DATA_DIR": str(tmp_path),
        # Keyword-only search: this test is about the page; the worker starts faster without the model.
        "FAULTMAVEN_EMBEDDING": "none",
    }
    port = free_port()
    log = tmp_path / "up.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "up", "--playground", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
        )
    # `up` prints the URL a person should open last, alone on its line.
    expected = f"http://127.0.0.1:{port}/playground"
    try:

        def announced() -> bool:
            assert proc.poll() is None, log.read_text()
            return expected in log.read_text().splitlines()

        poll_until(announced, timeout=120, interval=0.2)
        yield expected
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        print(log.read_text(errors="replace")[-4000:])


LAPTOP = {"width": 1366, "height": 768}


def check_compact_diagnosis_fits_a_laptop_screen(page: Any, diagnosis: Any) -> None:
    """On a 1366×768 screen the whole first diagnosis fits the thread pane's message area at once."""
    page.set_viewport_size(LAPTOP)
    diagnosis.scroll_into_view_if_needed()
    box = diagnosis.bounding_box()
    area = page.locator("#thread-messages").bounding_box()
    assert box is not None and area is not None
    page.screenshot(path=str(ARTIFACTS / "playground-diagnosis-1366x768.png"))
    assert box["height"] <= area["height"], f"diagnosis {box['height']:.0f} px, pane {area['height']:.0f} px"
    page.set_viewport_size({"width": 1400, "height": 900})


def test_open_a_case_read_the_diagnosis_reply_click_share_from_an_ephemeral_and_submit_the_form(
    playground_url: str,
) -> None:
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        skip_loudly("playwright is not installed (pip install -e '.[dev]')")
    if not os.access(CHROMIUM, os.X_OK):
        skip_loudly(f"no {CHROMIUM}: as root, `make test` installs Debian's chromium")
    ARTIFACTS.mkdir(exist_ok=True)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(playground_url)

        page.fill(
            "#composer-input",
            "/faultmaven help checkout pods OOMKilled since the 14:00 deploy. Exit code 137 & <restarts>",
        )
        page.press("#composer-input", "Enter")
        ephemeral = page.locator("#messages .msg.ephemeral")
        expect(ephemeral).to_contain_text("Opening case FM-1", timeout=SLOW)
        expect(ephemeral).to_contain_text("Only visible to you")
        root = page.locator("#messages .msg", has_text="FM-1 · checkout pods OOMKilled")
        expect(root.locator(".msg-replies")).to_be_visible(timeout=SLOW)

        root.locator(".msg-replies").click()
        thread = page.locator("#thread-pane")
        diagnosis = thread.locator(".msg", has_text="Diagnosis for FM-1").first
        expect(diagnosis).to_be_visible(timeout=SLOW)
        # The "Investigating…" message was updated in place into the diagnosis.
        expect(diagnosis.locator(".edited")).to_be_visible()
        expect(thread).not_to_contain_text("Investigating…")

        check_compact_diagnosis_fits_a_laptop_screen(page, diagnosis)
        expect(root).to_contain_text("Diagnosed — ", timeout=SLOW)

        # Details: a loading modal at once, filled in by the worker with everything the message leaves out.
        diagnosis.locator(".bk-button", has_text="Details").click()
        expect(page.locator("body")).to_have_attribute("data-last-action", "block_action:ok")
        modal = page.locator("#modal-overlay")
        expect(page.locator("#modal-title")).to_have_text("Diagnosis details", timeout=SLOW)
        expect(page.locator("#modal-body")).to_contain_text("All checks, best first", timeout=SLOW)
        expect(page.locator("#modal-body")).to_contain_text("Engine: offline")
        page.screenshot(path=str(ARTIFACTS / "playground-details-modal.png"))
        page.click("#modal-x")
        expect(modal).to_be_hidden()

        # Run…: the action's command and target pre-filled, with the policy decision for them.
        diagnosis.locator(".bk-button", has_text="Run…").first.click()
        expect(page.locator("#modal-title")).to_have_text("Run an action", timeout=SLOW)
        expect(page.locator("#modal-body")).to_contain_text("Policy for what is in this form")
        command = page.locator("#modal-body textarea").first
        expect(command).not_to_have_value("")
        page.screenshot(path=str(ARTIFACTS / "playground-run-modal.png"))
        # Editing the command asks for the policy decision again (dispatch_action → views.update).
        policy = page.locator("#modal-body .bk-block", has_text="Policy for what is in this form")
        before = policy.inner_text()
        command.fill("kubectl get pods -n checkout")
        expect(policy).not_to_have_text(before, timeout=SLOW)
        expect(command).to_have_value("kubectl get pods -n checkout")
        page.click("#modal-x")
        expect(modal).to_be_hidden()

        # New evidence moves the diagnosis; a repeat of the report would only get a 👀 reaction.
        page.fill("#thread-input", "2024-05-02T14:05:11Z FATAL: sorry, too many clients already")
        page.press("#thread-input", "Enter")
        expect(thread).to_contain_text("Updated diagnosis for FM-1", timeout=SLOW)
        # The first diagnosis is superseded in place: its Run… and Details buttons are gone.
        expect(diagnosis).to_contain_text("Superseded by a newer diagnosis below", timeout=SLOW)
        expect(diagnosis.locator(".bk-button")).to_have_count(0)
        page.screenshot(path=str(ARTIFACTS / "playground-follow-up.png"))

        page.select_option("#user-picker", "U0BOB")
        expect(page.locator("#messages .msg.ephemeral")).to_have_count(0)
        page.select_option("#user-picker", "U0ALICE")
        expect(page.locator("#messages .msg.ephemeral")).to_have_count(1)

        # The root card shows the report itself (slash-command text is seen only by its sender).
        expect(root).to_contain_text("Exit code 137 & <restarts>")
        expect(root).to_contain_text("(guess)")

        # A button on an "only visible to you" message works as in Slack: Share posts the card.
        page.click("#thread-close")
        page.fill("#composer-input", "/faultmaven search TLS certificate expired")
        page.press("#composer-input", "Enter")
        results = page.locator("#messages .msg.ephemeral", has=page.locator(".bk-button", has_text="Share"))
        expect(results).to_be_visible(timeout=SLOW)
        expect(results).to_contain_text("Only visible to you")
        results.locator(".bk-button", has_text="Share").first.click()
        expect(page.locator("body")).to_have_attribute("data-last-action", "block_action:ok")
        shared = page.locator("#messages .msg.from-bot", has_text="shared by")
        expect(shared).to_be_visible(timeout=SLOW)
        # The channel view followed the new card after the thread pane closed.
        expect(shared.last).to_be_in_viewport()
        page.screenshot(path=str(ARTIFACTS / "playground-ephemeral-share.png"))

        page.fill("#composer-input", "/faultmaven")
        page.press("#composer-input", "Enter")
        modal = page.locator("#modal-overlay")
        expect(modal).to_be_visible(timeout=SLOW)
        expect(page.locator("#modal-title")).to_have_text("Open a FaultMaven case")
        # A long paste: the card folds its first lines behind "Show more"; the whole text is a snippet.
        log_lines = "\n".join(
            f"02:{n:02d}:00 db-3 postgres: could not write block {n}: No space left" for n in range(40)
        )
        page.fill("#modal-body textarea", f"disk full on db-3, writes failing since 02:00\n{log_lines}")
        page.select_option("#modal-body select", "critical")
        page.screenshot(path=str(ARTIFACTS / "playground-modal.png"))
        page.click("#modal-submit")
        expect(modal).to_be_hidden(timeout=SLOW)
        second = page.locator("#messages .msg", has_text="FM-2 · disk full on db-3")
        expect(second).to_be_visible(timeout=SLOW)
        expect(second).to_contain_text("the full report is the snippet in this thread")
        expect(second.locator(".msg-replies")).to_be_visible(timeout=SLOW)
        second.locator(".msg-replies").click()
        expect(page.locator("#thread-pane .msg-file")).to_contain_text("FM-2 report", timeout=SLOW)

        page.screenshot(path=str(ARTIFACTS / "playground.png"))
        browser.close()
