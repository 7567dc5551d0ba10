"""Building the plugin manager: hookspecs, the core's internal plugins, entry points, extras.

One factory, as in pytest and tox. Environment switches:

* ``GOVOPEN_RULES_DISABLE_PLUGIN_AUTOLOAD=1``: load no entry points;
* ``GOVOPEN_RULES_DISABLED_PLUGINS=a,b``: block these entry-point names.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import pluggy

from govopen_rules.plugins import hookspecs
from govopen_rules.plugins.builtin import kinds as builtin_kinds
from govopen_rules.plugins.builtin import national

__all__ = ["ENTRY_POINT_GROUP", "make_plugin_manager"]

ENTRY_POINT_GROUP = "govopen_rules"
#: The core's own features, registered through the public hooks like any plugin.
INTERNAL_PLUGINS = (builtin_kinds, national)


def make_plugin_manager(
    *, plugins: Iterable[object] = (), load_entrypoints: bool = True
) -> pluggy.PluginManager:
    """A plugin manager with the core's plugins, installed plugins (unless disabled) and
    ``plugins``."""
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    for module in INTERNAL_PLUGINS:
        pm.register(module, name=module.__name__)
    if load_entrypoints and not os.environ.get("GOVOPEN_RULES_DISABLE_PLUGIN_AUTOLOAD"):
        blocked = os.environ.get("GOVOPEN_RULES_DISABLED_PLUGINS", "")
        for name in filter(None, (n.strip() for n in blocked.split(","))):
            pm.set_blocked(name)
        pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    for plugin in plugins:
        pm.register(plugin)
    pm.check_pending()
    return pm
