"""Plugins: hook specifications, the plugin manager, and the :class:`Registry` built from them.

The registry is the one seam: it owns the plugin manager and is the only caller of its hooks.
The core's own fact kinds are an internal plugin (:mod:`.builtin`). Plugin packages find the
rubric files they ship with :func:`rubric_files` (:mod:`.shipping`).

Layer 5: may import ``engines``, ``rubric``, ``annual_reports``, ``facts`` and the layers below.
"""

from govopen_rules.plugins.shipping import rubric_files

__all__ = ["rubric_files"]
