"""What every engine does: take a rubric's selections once, then match batches of facts.

A *selection* (:class:`govopen_rules.rubric.compiler.Selection`) is "facts of kind K meeting
condition C"; the compiler gives each distinct one a name. An engine is built once per compiled
rubric and answers, for a batch of encoded facts (:mod:`govopen_rules.facts.encoding`), which
selection matched which fact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

__all__ = ["ENGINE_NAMES", "Match", "RuleEngine"]

Match = tuple[str, int]
"""(selection name, index of the matching fact in the batch)."""

#: The engines :func:`govopen_rules.engines.build_engine` knows, the default first.
ENGINE_NAMES = ("durable", "python")


class RuleEngine(Protocol):
    """A compiled set of selections that matches batches of encoded facts."""

    def match(self, facts: Sequence[Mapping[str, object]], *, check: bool = True) -> list[Match]:
        """Every (selection name, fact index) pair that matches, in any order.

        ``check=False`` is for facts made by :func:`~govopen_rules.facts.encoding.encode_fact`,
        which are valid by construction.
        """
        ...

    def close(self) -> None:
        """Free what the engine holds; matching afterwards is an error."""
        ...
