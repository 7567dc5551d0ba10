#!/usr/bin/env bash
# Install the core with its test and docs tools and every regional plugin (editable), then run
# the whole test suite: the core's tests/ and each plugin's tests/. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
plugins=()
for dir in plugins/*/; do
  [ -f "$dir/pyproject.toml" ] && plugins+=(-e "$dir")
done
python -m pip install --quiet --disable-pip-version-check -e '.[test,docs]' "${plugins[@]}"
# The HTML reports are opened in a real headless Chromium (Debian's package, with a Chinese
# font for the screenshots). Installed when missing and apt-get can; otherwise those tests skip
# and say why.
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 \
    && [ "$(id -u)" = 0 ]; then
  echo "installing chromium for the browser tests (apt-get)..." >&2
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      chromium fonts-wqy-microhei; } >/dev/null 2>&1; then
    echo "note: chromium could not be installed; the browser tests will be skipped" >&2
  fi
fi
python -m pytest "$@"
