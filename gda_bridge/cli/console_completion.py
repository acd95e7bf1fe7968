"""Tab completion of device names after a GDA command word (``pos d<Tab>``, ``scan x 0 1 0.1 d<Tab>``).

IPython's own completer (jedi) completes names at the start of a line, but ``pos d`` is not Python
to jedi, so after a command word it offers nothing useful."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from IPython.core.completer import CompletionContext, SimpleCompletion, SimpleMatcherResult, context_matcher

_COMMAND_LINE = re.compile(r"^\s*([A-Za-z_]\w*)\s+(?!=)")


def is_device(value: Any) -> bool:
    return hasattr(value, "getPosition") and not isinstance(value, type)


def device_matcher(namespace: Mapping[str, Any]) -> Any:
    """An IPython matcher: after ``<callable> `` the device names that start with the typed token."""

    @context_matcher()
    def complete_devices(context: CompletionContext) -> SimpleMatcherResult:
        line = context.line_with_cursor
        found = _COMMAND_LINE.match(line)
        token = context.token
        if found is None or not callable(namespace.get(found.group(1))) or not re.fullmatch(r"\w*", token):
            return {"completions": [], "suppress": False}
        names = sorted(n for n, v in namespace.items() if n.startswith(token) and is_device(v))
        return {"completions": [SimpleCompletion(n, type="device") for n in names], "suppress": bool(names)}

    return complete_devices
