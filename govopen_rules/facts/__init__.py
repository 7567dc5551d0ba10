"""Facts: what was observed about a unit.

The attrs model of every built-in fact kind (:mod:`.model`), what a fact kind declares
(:mod:`.kinds`), structuring a facts file with path errors (:mod:`.convert`), the engine-neutral
encoding of values (:mod:`.encoding`) and the facts JSON Schema (:mod:`.schema`).

Layer 2: may import ``errors``, ``exact``, ``conversion`` and ``workdays`` only.
"""
