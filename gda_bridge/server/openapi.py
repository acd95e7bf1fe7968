"""Write the server's OpenAPI schema: ``python -m gda_bridge.server.openapi [PATH]``.

The committed copy is ``docs/reference/openapi.json``; ``tests/server/test_openapi.py`` fails when
it and the code differ. Regenerate it with
``python -m gda_bridge.server.openapi docs/reference/openapi.json``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from gda_bridge.server.app import create_app


def schema() -> dict[str, Any]:
    return create_app(None).openapi()


def render() -> str:
    return json.dumps(schema(), indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = render()
    if args:
        Path(args[0]).write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
