"""Engines: match encoded facts against a compiled rubric's selections.

:mod:`.protocol` says what an engine does; :mod:`.durable` is the durable-rules adapter (the only
importer of durable-rules, imported only when such an engine is first built, so importing the
library or its testing kit never loads the C extension); :mod:`.reference` is the plain-Python
engine, the oracle the adapter is tested against.

Layer 4: may import ``rubric``, ``facts`` and the layers below them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from govopen_rules.engines.protocol import ENGINE_NAMES, Match, RuleEngine
from govopen_rules.errors import EngineError

if TYPE_CHECKING:
    from govopen_rules.rubric.compiler import Selection

__all__ = ["ENGINE_NAMES", "Match", "RuleEngine", "build_engine"]


def build_engine(
    selections: Mapping[str, Selection], *, engine: str = "durable", label: str = "rubric"
) -> RuleEngine:
    """Build the named engine for ``selections`` (``durable``, the default, or ``python``)."""
    if engine == "durable":
        from govopen_rules.engines.durable import DurableEngine

        return DurableEngine.from_selections(selections, label=label)
    if engine == "python":
        from govopen_rules.engines.reference import ReferenceEngine

        return ReferenceEngine(selections)
    raise EngineError(f"unknown engine {engine!r}; engines: {', '.join(ENGINE_NAMES)}")
