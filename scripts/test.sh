#!/usr/bin/env bash
# The README's test command: set up, then lint, check the layers, run the Java core's JUnit tests
# (Maven, offline) and the Python tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
venv="${GDA_BRIDGE_VENV:-.venv}"

echo "== ruff"
"$venv/bin/ruff" check gda_bridge tests scripts build_support
echo "== import-linter"
"$venv/bin/lint-imports"
echo "== JUnit (Maven offline)"
(cd java && mvn -o -B test | grep -E 'Tests run:|BUILD|ERROR|FAIL')
echo "== pytest"
"$venv/bin/python" -m pytest "$@"
