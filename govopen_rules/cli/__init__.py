"""The ``govopen-rules`` command line: argument parsing and exit codes, nothing else.

May import every layer below it; nothing imports it except ``__main__``.
"""

from govopen_rules.cli.main import main

__all__ = ["main"]
