"""The installed version of the library, recorded in every result."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["library_version"]


def library_version() -> str:
    """The installed version of govopen-rules."""
    try:
        return version("govopen-rules")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"
