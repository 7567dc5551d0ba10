"""A regional plugin for the corpus: provides the one rubric file named by
``$GOVOPEN_CORPUS_RUBRIC``, so that a hostile rubric reaches the command line the way an
installed plugin's would (this folder on ``PYTHONPATH`` makes it installed)."""

from __future__ import annotations

import os
from pathlib import Path

from govopen_rules import hookimpl


@hookimpl
def govopen_rubrics() -> list[Path]:
    return [Path(os.environ["GOVOPEN_CORPUS_RUBRIC"])]
