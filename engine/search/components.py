"""Component knowledge: what infrastructure components are called by role, so search can bridge the two.

Reporters write "the node agent is down" where the runbook says "Kubelet Down". The catalog
(`data/components.yaml`) is matched on search tokens, so matching ignores case, stop words and
plurals the same way BM25 does.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from engine.search.text import tokenize

DEFAULT_CATALOG = Path(__file__).with_name("data") / "components.yaml"

Phrase = tuple[str, ...]


class Component(BaseModel, frozen=True):
    name: str
    aliases: tuple[str, ...] = ()
    does: str = ""
    roles: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        """The canonical name first, then the aliases."""
        return (self.name, *self.aliases)


class _CatalogFile(BaseModel):
    components: list[Component] = Field(min_length=1)


@dataclass(frozen=True)
class _PhraseIndex:
    """Token phrases grouped by their first token, so a text is scanned once, not once per phrase."""

    by_first: dict[str, list[tuple[Phrase, int]]]

    @classmethod
    def build(cls, phrases: list[tuple[str, int]]) -> _PhraseIndex:
        by_first: dict[str, list[tuple[Phrase, int]]] = {}
        for text, owner in phrases:
            tokens = tuple(tokenize(text))
            # "s3" or "k8s" keep only their digits as tokens; a bare number names nothing.
            if tokens and not all(t.isdigit() for t in tokens):
                by_first.setdefault(tokens[0], []).append((tokens, owner))
        for entries in by_first.values():
            entries.sort(key=lambda entry: -len(entry[0]))
        return cls(by_first)

    def owners(self, tokens: list[str]) -> list[int]:
        """Owners of every phrase that occurs as a contiguous run of `tokens`, in order of first match."""
        found: dict[int, None] = {}
        for start, token in enumerate(tokens):
            for phrase, owner in self.by_first.get(token, ()):
                if tuple(tokens[start : start + len(phrase)]) == phrase:
                    found.setdefault(owner)
        return list(found)


class ComponentCatalog:
    """Looks up components by their names (in runbooks) and by roles or error strings (in reports)."""

    def __init__(self, components: list[Component]) -> None:
        self.components = components
        self._names = _PhraseIndex.build([(n, i) for i, c in enumerate(components) for n in c.names()])
        self._cues = _PhraseIndex.build(
            [(p, i) for i, c in enumerate(components) for p in (*c.roles, *c.errors)]
        )

    @classmethod
    def from_file(cls, path: Path) -> ComponentCatalog:
        """Parse and validate a catalog file."""
        loaded = _CatalogFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        return cls(loaded.components)

    def named_in(self, text: str) -> list[Component]:
        """Components a text names by product name or alias."""
        return [self.components[i] for i in self._names.owners(tokenize(text))]

    def described_in(self, text: str) -> list[Component]:
        """Components a text refers to by a role, nickname or one of their error strings."""
        return [self.components[i] for i in self._cues.owners(tokenize(text))]

    def expand_query(self, query: str) -> str:
        """The query plus the canonical names of components it describes without naming them."""
        named = {c.name for c in self.named_in(query)}
        extra = [c.name for c in self.described_in(query) if c.name not in named]
        return "\n".join([query, *extra]) if extra else query

    def enrich_document(self, text: str) -> str:
        """A runbook's text plus the canonical names of the components its title names.

        With `expand_query` this makes both sides meet on one name: "the node agent" becomes
        "kubelet" in the query, "ELB" becomes "load balancer" in the index. Only the title (the
        first line) decides what a runbook is about: bodies mention many components in passing.
        Adding every role phrase to the index instead was measured worse on the dev split (role
        words such as "node" or "cluster" then match half the library).
        """
        title = text.split("\n", 1)[0]
        extra = [c.name for c in self.named_in(title) if c.name.lower() not in title.lower()]
        return "\n".join([text, *extra]) if extra else text


@cache
def default_catalog() -> ComponentCatalog:
    """The shipped catalog, parsed once per process."""
    return ComponentCatalog.from_file(DEFAULT_CATALOG)
