#!/usr/bin/env bash
# One command on a fresh machine: set up (Debian packages included) and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --system
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
