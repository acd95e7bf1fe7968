#!/usr/bin/env bash
# Set up everything gda-bridge needs on a fresh Debian machine: a JDK and Maven (apt, only when
# missing; with the test extra also chromium, Xvfb and xwd), a virtual environment (.venv, or
# $GDA_BRIDGE_VENV) and the package with its extras (skipped when none of its inputs changed since
# the last install).
# Usage: scripts/setup.sh [extras]   e.g. scripts/setup.sh test,bench ("" for none; default test)
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1-test}"
venv="${GDA_BRIDGE_VENV:-.venv}"

need_apt=()
command -v javac >/dev/null 2>&1 || need_apt+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
# the web page's end-to-end test drives Debian's chromium with Playwright (no browser download)
if [[ ",$extras," == *",test,"* ]]; then
    command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
    # the live plot window's test runs on a virtual display and screenshots it with xwd
    command -v Xvfb >/dev/null 2>&1 || need_apt+=(xvfb)
    command -v xwd >/dev/null 2>&1 || need_apt+=(x11-apps)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "setup: installing ${need_apt[*]} with apt-get" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
# The install (pip, the Java core's compile) is skipped when its inputs are as they were at the
# last one that succeeded: the extras, pyproject.toml, the build backend and the Java sources.
stamp="$venv/.gda-bridge-install-stamp"
inputs=$( { echo "extras=$extras"; sha256sum pyproject.toml build_support/*.py;
            find java/src -type f -print0 | sort -z | xargs -0 sha256sum; } | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$inputs" ] && [ -x "$venv/bin/gda-bridge" ] && [ -f gda_bridge/bridge/lib/gda-core.jar ]; then
    exit 0
fi
"$venv/bin/python" -m pip install -q --upgrade pip
if [ -n "$extras" ]; then
    "$venv/bin/python" -m pip install -q -e ".[$extras]"
else
    "$venv/bin/python" -m pip install -q -e .
fi
echo "$inputs" > "$stamp"
