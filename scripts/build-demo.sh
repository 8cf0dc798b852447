#!/usr/bin/env bash
# One command on a fresh machine: set up, then build the demo site (this repository) into public/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh  # installs the versions pinned in constraints.txt
.venv/bin/sitegen build . "$@"
echo "Open public/index.html through a server: .venv/bin/sitegen serve . (http://127.0.0.1:8000/)"
