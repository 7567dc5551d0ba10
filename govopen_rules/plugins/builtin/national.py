"""The ``national`` rule library: the 条例's time limits and the State Council's website and
new-media vetoes, which regional rubrics include by id (``national.yaml`` next to this file).

Shipped with the core, but through the same hook as any plugin's library
(``govopen_rule_libraries``), so a province can ship its own library the same way.
"""

from __future__ import annotations

from pathlib import Path

from govopen_rules.plugins.hookspecs import hookimpl

__all__ = ["LIBRARY_FILE"]

#: The library file.
LIBRARY_FILE = Path(__file__).with_name("national.yaml")


@hookimpl
def govopen_rule_libraries() -> list[Path]:
    return [LIBRARY_FILE]
