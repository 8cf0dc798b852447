#!/usr/bin/env bash
# One command on a fresh machine: set up (Debian packages included), then lint, type-check and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --system
lint=0
bash scripts/lint.sh || lint=$?   # ruff check, ruff format --check, mypy --strict: reported, then the tests run too
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
if (( lint )); then echo "lint or type check failed (see above): scripts/lint.sh" >&2; exit "$lint"; fi
