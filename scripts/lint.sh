#!/usr/bin/env bash
# Lint and type checks, with the rules pinned in pyproject.toml ([tool.ruff.lint], [tool.mypy]).
# Runs every check and fails at the end if any failed, so one run shows every finding.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
.venv/bin/ruff check sitegen tests bench || status=1
.venv/bin/ruff format --check sitegen tests bench || status=1
.venv/bin/mypy --strict sitegen || status=1
exit $status
