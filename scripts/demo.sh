#!/usr/bin/env bash
# The README's main command: set up, then run the demo on the simulated beamline.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh ""
exec "${GDA_BRIDGE_VENV:-.venv}/bin/gda-bridge" demo "$@"
