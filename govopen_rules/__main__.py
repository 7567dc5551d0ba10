"""``python -m govopen_rules`` is the ``govopen-rules`` command."""

from govopen_rules.cli import main

raise SystemExit(main())
