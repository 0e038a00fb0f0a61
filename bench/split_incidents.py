"""Split a labelled incident file into a dev part (tune on it) and a test part (report only), by category.

`python -m bench.split_incidents ../shared/datasets/incidents-dev.jsonl > bench/data/incidents_split.json`
The split is stored as lists of ids, never as copies of the reports.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path

DEV_SHARE = 0.65


def _rank(case_id: str) -> str:
    # A hash, not the file order, so neighbouring ids (often from one source list) spread over both parts.
    return hashlib.sha256(f"faultmaven-split:{case_id}".encode()).hexdigest()


def split_ids(rows: list[dict[str, str]], dev_share: float = DEV_SHARE) -> dict[str, list[str]]:
    """Stratified by category: about `dev_share` of each category's ids go to dev, the rest to test."""
    by_category: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        by_category[row["category"]].append(row["id"])
    dev: list[str] = []
    test: list[str] = []
    for ids in by_category.values():
        ordered = sorted(ids, key=_rank)
        cut = round(len(ordered) * dev_share)
        dev += ordered[:cut]
        test += ordered[cut:]
    return {"dev": sorted(dev), "test": sorted(test)}


def main() -> None:
    """Print the split of the JSONL file named on the command line."""
    lines = Path(sys.argv[1]).read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    print(json.dumps(split_ids(rows), indent=1))


if __name__ == "__main__":
    main()
