"""``govopen-rules new-plugin``: write a working regional plugin to start from."""

from __future__ import annotations

import argparse
from pathlib import Path

from govopen_rules.cli.common import RegistryFactory, error
from govopen_rules.cli.scaffold import new_plugin
from govopen_rules.facts.convert import FIRST_YEAR, LAST_YEAR

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    np_ = sub.add_parser("new-plugin", help="write a working regional plugin to start from")
    np_.add_argument("region", help="lower-case ASCII name, e.g. qujing")
    np_.add_argument("--year", type=int, required=True, help="the assessment year")
    np_.add_argument("--dir", type=Path, default=Path("plugins"), help="parent directory")


def run(args: argparse.Namespace, registry: RegistryFactory) -> int:
    if not FIRST_YEAR <= args.year <= LAST_YEAR:
        return error(f"--year {args.year}: an assessment year is in {FIRST_YEAR}-{LAST_YEAR}")
    try:
        target = new_plugin(args.region, args.year, args.dir)
    except (ValueError, FileExistsError) as exc:
        return error(str(exc))
    except OSError as exc:
        return error(f"cannot write {exc.filename or args.dir}: {exc.strerror or exc}")
    print(f"wrote {target}: pip install -e {target} && pytest {target}/tests")
    return 0
