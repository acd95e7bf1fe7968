"""The committed OpenAPI schema is the code's: regenerate it when the messages change."""

from __future__ import annotations

import json
from pathlib import Path

from gda_bridge.server.openapi import render

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "reference" / "openapi.json"
REGENERATE = "python -m gda_bridge.server.openapi docs/reference/openapi.json"


def test_the_committed_schema_matches_the_code():
    assert COMMITTED.is_file(), f"no {COMMITTED}; write it with: {REGENERATE}"
    assert json.loads(COMMITTED.read_text()) == json.loads(render()), (
        f"the API changed but docs/reference/openapi.json did not; if the change is meant, run: {REGENERATE}"
    )


def test_the_schema_documents_auth_errors_and_websocket_events():
    schema = json.loads(render())
    submit = schema["paths"]["/api/queue"]["post"]
    assert {"401", "403", "409", "422"} <= set(submit["responses"])
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    events = schema["x-websocket-events"]
    kinds = {s["properties"]["type"]["const"] for s in events["$defs"].values() if "type" in s.get("properties", {})}
    assert {"status", "queue", "item", "output", "scan_start", "scan_points", "scan_stop", "scan_suspended",
            "scan_resumed", "dropped"} <= kinds
