"""Which language a script is: a clear rule, shown to the user, never a silent guess."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Literal, NamedTuple

Mode = Literal["py2", "py3"]
PRAGMA_LINES = 10
_PRAGMA = re.compile(r"^\s*#\s*gda-bridge\s*:\s*(python2|python3|py2|py3)\s*$", re.IGNORECASE)
_NAMES: dict[str, Mode] = {"py2": "py2", "python2": "py2", "py3": "py3", "python3": "py3"}
HOW_TO_RUN_AS_PY2 = (
    "To run it as Python 2, add '# gda-bridge: python2' as its first line, put it under a legacy "
    "script path, or run it with --mode py2."
)
NO_RULE = "Python 3 because that is the default (no pragma, not under a legacy script path, no --mode)"


class ModeDecision(NamedTuple):
    mode: Mode
    reason: str


def parse_mode(value: str) -> Mode:
    """'py2', 'python2', 'py3' or 'python3' (any case) -> 'py2' / 'py3'."""
    mode = _NAMES.get(value.strip().lower())
    if mode is None:
        raise ValueError(f"unknown script mode {value!r}: use py2 or py3")
    return mode


def _under(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def decide_by_rule(
    path: str | os.PathLike[str] | None,
    text: str,
    legacy_paths: Iterable[str | os.PathLike[str]] = (),
    override: str | None = None,
) -> ModeDecision | None:
    """The rules that come before reading the code, in this order:

    1. a pragma comment ``# gda-bridge: python2`` / ``python3`` in the first 10 lines;
    2. the file lies under one of the configured legacy script paths -> py2;
    3. override (the ``--mode`` flag or a function argument).
    None when no rule applies (the code decides: see _detect). The reason ("Python 2 because
    ...") says which rule decided, for the user to see.
    """
    for lineno, line in enumerate(text.splitlines()[:PRAGMA_LINES], start=1):
        match = _PRAGMA.match(line)
        if match:
            mode = parse_mode(match.group(1))
            return ModeDecision(
                mode, f"{_label(mode)} because of the pragma '{line.strip()}' on line {lineno}"
            )
    if path is not None:
        resolved = Path(path).resolve()
        for folder in legacy_paths:
            if _under(resolved, Path(folder).resolve()):
                return ModeDecision(
                    "py2", f"Python 2 because {path} is under the legacy script path {folder}"
                )
    if override is not None:
        mode = parse_mode(override)
        return ModeDecision(mode, f"{_label(mode)} because mode {override!r} was asked for")
    return None


def _label(mode: Mode) -> str:
    return "Python 2" if mode == "py2" else "Python 3"


# Python 2 constructs that Python 3 rejects, for the hint when a py3-mode script fails to compile.
_PY2_MARKERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^\s*print(\s+[^\s=(.,)\]}]|\s*>>)"), "a print statement"),
    (re.compile(r"^\s*except\s+[^:#]+,\s*\w+\s*:"), "'except X, e'"),
    (re.compile(r"^\s*exec\s+[\"'\w]"), "an exec statement"),
    (re.compile(r"^\s*raise\s+\w[\w.]*\s*,"), "'raise E, msg'"),
    (re.compile(r"<>"), "the '<>' operator"),
    (re.compile(r"`"), "backticks"),
    (re.compile(r"(?<![\w.])0\d+\b|\b\d+[lL]\b"), "a Python 2 number literal"),
)


def python2_hint(text: str, lineno: int | None) -> str | None:
    """If the failing line (else the file) shows a Python 2 construct, describe it and its line."""
    lines = text.splitlines()
    order = list(range(len(lines)))
    if lineno and 0 < lineno <= len(lines):
        order.insert(0, lineno - 1)
    for index in order:
        for pattern, what in _PY2_MARKERS:
            if pattern.search(lines[index]):
                return f"{what} on line {index + 1}"
    return None
