"""Measured redaction: every kind in the secrets corpus is masked; ordinary logs come through untouched."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from engine.redaction import redact

DATA = Path(__file__).parents[1] / "data"
# Identifiers an engineer needs to read in a diagnosis: UUIDs, git SHAs, trace/span ids, digests.
_IDENTIFIER = re.compile(
    r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b[0-9a-f]{7,64}\b"
)
MAX_FALSE_POSITIVE_RATE = 0.01


@dataclass(frozen=True)
class Sample:
    kind: str
    secret: str
    text: str


def secret_samples() -> list[Sample]:
    """The corpus with each secret assembled from its parts and placed in its context."""
    corpus = json.loads((DATA / "secrets_corpus.json").read_text())
    samples = []
    for raw in corpus["samples"]:
        secret = "".join(raw["parts"])
        samples.append(Sample(raw["kind"], secret, raw["context"].replace("{secret}", secret)))
    return samples


def ordinary_lines() -> list[str]:
    return (DATA / "ordinary_logs.txt").read_text().splitlines()


def leaks(sample: Sample, redacted: str) -> bool:
    """Whether any 8-character stretch of the secret's body survived (prefixes like `xoxb-` may stay)."""
    body = sample.secret[-16:]
    return any(body[i : i + 8] in redacted for i in range(len(body) - 7))


def test_every_secret_kind_in_the_corpus_is_masked_and_ordinary_logs_are_not() -> None:
    samples = secret_samples()
    kinds = {s.kind.split(" assignment")[0] for s in samples}
    missed = [s.kind for s in samples if leaks(s, redact(s.text))]
    lines = ordinary_lines()
    changed = [line for line in lines if redact(line) != line]
    identifiers = [i for line in lines for i in _IDENTIFIER.findall(line)]
    kept = sum(identifier in redact(line) for line in lines for identifier in _IDENTIFIER.findall(line))

    fp_rate = len(changed) / len(lines)
    print(
        f"\nsecrets corpus: {len(samples) - len(missed)}/{len(samples)} samples masked "
        f"across {len(kinds)} kinds; missed: {missed or 'none'}"
        f"\nordinary logs: {len(changed)}/{len(lines)} lines changed (false positives, {fp_rate:.2%}); "
        f"{kept}/{len(identifiers)} UUIDs, SHAs and trace ids kept readable"
    )
    assert len(kinds) >= 13, "the 12 required kinds plus generic high-entropy tokens"
    assert missed == []
    assert fp_rate <= MAX_FALSE_POSITIVE_RATE, changed[:5]
    assert len(identifiers) >= 150 and kept == len(identifiers)


def test_each_kind_leaves_a_marker_naming_what_was_there() -> None:
    for sample in secret_samples():
        assert re.search(r"\[REDACTED:[a-z_]+\]", redact(sample.text)), sample.kind


def test_a_private_key_across_lines_is_masked_whole() -> None:
    pem = next(s for s in secret_samples() if "OPENSSH" in s.secret)
    redacted = redact(pem.text)
    assert "BEGIN" not in redacted and "END OPENSSH" not in redacted and "b3BlbnNzaC1r" not in redacted


def test_redacting_twice_changes_nothing_more() -> None:
    # Exports re-redact stored text: a second pass must leave markers and ordinary text alone.
    for text in [s.text for s in secret_samples()] + ordinary_lines():
        once = redact(text)
        assert redact(once) == once
