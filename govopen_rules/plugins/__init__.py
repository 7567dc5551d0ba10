"""Plugins: hook specifications, the plugin manager, and the :class:`Registry` built from them.

The registry is the one seam: it owns the plugin manager and is the only caller of its hooks.
The core's own fact kinds are an internal plugin (:mod:`.builtin`).

Layer 5: may import ``engines``, ``rubric``, ``annual_reports``, ``facts`` and the layers below.
"""
