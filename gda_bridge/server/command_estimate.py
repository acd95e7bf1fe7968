"""How long a queued command should take, worked out in the worker process when it is submitted:
for one ``scan ...`` (GDA syntax or a Python call) whose arguments are names, numbers and
sequences of them, the scan's estimate from its plan (gda_bridge.scans.estimate); None for
anything else (a script, a loop, a call in the arguments: nothing is run to find out)."""

from __future__ import annotations

import ast
import inspect
import logging
from typing import Any

from gda_bridge.commands import scanning

log = logging.getLogger("gda_bridge.server.worker")


def _plain(node: ast.expr) -> bool:
    """Evaluating it calls nothing of the user's (but attribute access)."""
    if isinstance(node, (ast.Name, ast.Constant)):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return _plain(node.operand)
    if isinstance(node, ast.Attribute):
        return _plain(node.value)
    if isinstance(node, (ast.Tuple, ast.List)):
        return all(_plain(e) for e in node.elts)
    return False


def estimate_command(translated: str, namespace: dict[str, Any]) -> float | None:
    """Seconds the command (already translated to Python) should take, or None if not a scan."""
    try:
        call = ast.parse(translated.strip(), "<estimate>", "eval").body
    except SyntaxError:
        return None
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and not call.keywords):
        return None
    command = namespace.get(call.func.id)
    if not callable(command) or inspect.unwrap(command) is not scanning.scan:  # the session wraps its commands
        return None
    if not all(_plain(a) for a in call.args):
        return None
    try:
        args = [eval(compile(ast.Expression(a), "<estimate>", "eval"), namespace) for a in call.args]  # noqa: S307
        return round(scanning.estimate_scan(*args), 3)
    except Exception:  # a scan that would be refused: its run will say why
        log.warning("no estimate for %r", translated, exc_info=True)
        return None
