#!/usr/bin/env bash
# Regenerate constraints.txt: the newest versions that pyproject.toml allows, resolved in a fresh virtualenv.
# Then install them (scripts/setup.sh) and run scripts/test.sh; commit the new constraints.txt only if
# every test passes: the pins must be the versions the tests passed with.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"${PYTHON:-python3}" -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install -q --upgrade pip
"$tmp/venv/bin/python" -m pip install -q '.[test]'
{
  echo "# Exact versions of every package sitegen and its tests install (pip freeze, without sitegen)."
  echo "# Used as: pip install -c constraints.txt -e '.[test]'. Regenerate with scripts/lock.sh."
  "$tmp/venv/bin/python" -m pip freeze --exclude sitegen | LC_ALL=C sort -f
} > constraints.txt.new
mv constraints.txt.new constraints.txt
echo "constraints.txt regenerated; now: bash scripts/setup.sh && bash scripts/test.sh, then commit it if green"
