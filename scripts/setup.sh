#!/usr/bin/env bash
# Set up a development environment: a virtualenv in .venv with sitegen and its test tools.
# With --system it also installs Debian's Chromium and Arabic fonts (needs root or sudo) for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == "--system" ]]; then
  need=()
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  dpkg -s fonts-noto-core >/dev/null 2>&1 || need+=(fonts-noto-core)
  command -v node >/dev/null 2>&1 || need+=(nodejs)  # the search normalizer is tested in JS too
  if (( ${#need[@]} )); then
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
  fi
fi

PY=${PYTHON:-python3}
[[ -x .venv/bin/python ]] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
