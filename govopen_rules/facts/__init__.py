"""Facts: what was observed about a unit.

The attrs model of every built-in fact kind (:mod:`.model`), what a fact kind declares
(:mod:`.kinds`), structuring a facts file with path errors (:mod:`.convert`), the engine-neutral
encoding of values (:mod:`.encoding`), the facts JSON Schema (:mod:`.schema`), facts in an Excel
workbook (:mod:`.workbook`), the fields that name a fact (:mod:`.identity`) and the Chinese
names of fields (:mod:`.labels`).

Layer 2: may import ``errors``, ``exact``, ``conversion`` and ``workdays`` only.
"""
