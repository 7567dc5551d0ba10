"""Engines: match encoded facts against a compiled rubric's selections.

:mod:`.protocol` says what an engine does; :mod:`.durable` is the durable-rules adapter (the only
importer of durable-rules, imported only when such an engine is first built, so importing the
library or its testing kit never loads the C extension); :mod:`.python` is the plain-Python
engine (selections compiled into Python functions per fact kind); :mod:`.reference` is the
condition evaluator both are tested against.

Layer 4: may import ``rubric``, ``facts`` and the layers below them.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from govopen_rules.engines.protocol import ENGINE_NAMES, Match, RuleEngine
from govopen_rules.errors import EngineError

if TYPE_CHECKING:
    from govopen_rules.rubric.compiler import Selection

__all__ = [
    "ENGINE_NAMES",
    "ENGINE_VARIABLE",
    "Match",
    "RuleEngine",
    "build_engine",
    "default_engine",
]

#: The environment variable that chooses the default engine (``durable`` or ``python``).
ENGINE_VARIABLE = "GOVOPEN_RULES_ENGINE"


def durable_available() -> bool:
    """Whether durable-rules can be used here: installed, and a Python its C extension supports
    (2.0.28 fails at import on 3.13: ``undefined symbol PyEval_CallObject``)."""
    return (
        sys.version_info < (3, 13) and importlib.util.find_spec("durable_rules_engine") is not None
    )


def default_engine() -> str:
    """``$GOVOPEN_RULES_ENGINE`` if set; else ``durable`` where it can run, ``python`` elsewhere."""
    chosen = os.environ.get(ENGINE_VARIABLE, "").strip()
    if chosen:
        check_engine_name(chosen, f"${ENGINE_VARIABLE}")
        return chosen
    return "durable" if durable_available() else "python"


def check_engine_name(name: str, where: str = "engine") -> None:
    """Raise :class:`EngineError` unless ``name`` is a known engine."""
    if name not in ENGINE_NAMES:
        raise EngineError(f"{where}: unknown engine {name!r}; engines: {', '.join(ENGINE_NAMES)}")


def build_engine(
    selections: Mapping[str, Selection], *, engine: str = "durable", label: str = "rubric"
) -> RuleEngine:
    """Build the named engine for ``selections`` (``durable``, the default, or ``python``)."""
    check_engine_name(engine)
    if engine == "durable":
        if not durable_available():
            raise EngineError(
                "the durable engine needs durable-rules, which is not installed or does not run "
                f"on Python {sys.version_info.major}.{sys.version_info.minor}; use engine='python'"
            )
        from govopen_rules.engines.durable import DurableEngine

        return DurableEngine.from_selections(selections, label=label)
    from govopen_rules.engines.python import PythonEngine

    return PythonEngine(selections)
