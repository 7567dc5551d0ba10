#!/usr/bin/env bash
# Install the core with its test tools and every regional plugin (editable), then run the
# whole test suite: the core's tests/ and each plugin's tests/. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
plugins=()
for dir in plugins/*/; do
  [ -f "$dir/pyproject.toml" ] && plugins+=(-e "$dir")
done
python -m pip install --quiet --disable-pip-version-check -e '.[test]' "${plugins[@]}"
python -m pytest "$@"
