"""Python 2 or 3 for a file that no pragma, legacy path or --mode decides: read from the file.

1. Not valid Python 3 but valid Python 2 -> Python 2.
2. Valid Python 3 and using something Python 2 does not have (an f-string, ``print(x, end='')``,
   ``nonlocal``, annotations...) -> Python 3.
3. Valid in both: Python 2 when the file shows a sign of GDA's Python 2 (it imports ``gda.``,
   ``gdascripts.``, ``java.``, ``javax.``, ``uk.ac.`` or ``scisoftpy``; it calls a builtin only
   Python 2 has, such as ``xrange``; or a print statement stands in another file of its folder
   or of the package it is part of),
   else Python 3. Either way, a file whose ``/`` divides differently in the two gets that said in
   the reason, with the line, so arithmetic never changes silently.
4. Valid in neither: Python 2 when it shows a Python 2 construct (its error is then reported as
   Python 2 sees it, at the real mistake), else Python 3.
"""

from __future__ import annotations

import ast
import functools
import os
import re
from collections.abc import Callable
from pathlib import Path

from gda_bridge.jython.translate._aliases import AliasRegistry
from gda_bridge.jython.translate._errors import TranslationError
from gda_bridge.jython.translate._mode import ModeDecision, python2_hint
from gda_bridge.jython.translate._syntax import translate_gda_syntax

GDA_MODULES = ("gda", "gdascripts", "java", "javax", "scisoftpy")
PY2_BUILTINS = frozenset(
    {"xrange", "raw_input", "unicode", "basestring", "unichr", "execfile", "apply", "long"}
)
PY2_METHODS = frozenset({"has_key", "iteritems", "iterkeys", "itervalues"})
_PRINT_STATEMENT = re.compile(r"^[ \t]*print(?:[ \t]+[^\s=(.,)\]}]|[ \t]*>>)", re.MULTILINE)
SIBLING_FILES = 50  # at most this many other files of the folder are looked at
SIBLING_BYTES = 65536  # and the start of each


def detect(
    path: str | os.PathLike[str] | None,
    text: str,
    aliases: AliasRegistry | None = None,
    py2_parses: Callable[[str], bool] | None = None,
    with_commands: Callable[[str], str] | None = None,
) -> ModeDecision:
    """The decision for text (see the module docstring). ``py2_parses(text) -> bool`` says whether
    the file translates as Python 2, ``with_commands(text) -> str`` gives it after the command-
    syntax pass (the caller's translations, so that work is cached)."""
    tree, err = _parse(text, path)
    if tree is None and aliases is not None and aliases.names:
        if with_commands is None:
            source = translate_gda_syntax(text, aliases)
        else:
            source = with_commands(text)
        if source != text:
            tree, err = _parse(source, path)
    if tree is None:
        assert err is not None
        if py2_parses is not None and py2_parses(text):
            return ModeDecision(
                "py2",
                f"Python 2 because it is not valid Python 3 ({err.msg.split('. Did you mean')[0]}, "
                f"line {err.lineno}) but is valid Python 2",
            )
        hint = python2_hint(text, err.lineno)
        if hint is not None:
            return ModeDecision(
                "py2", f"Python 2 because it looks like Python 2 ({hint}) though it parses as neither"
            )
        return ModeDecision("py3", "Python 3 because it parses as neither and shows no Python 2 construct")
    only3 = python3_only(tree)
    if only3 is not None:
        return ModeDecision("py3", f"Python 3 because it uses {only3}, which Python 2 does not have")
    division = division_line(tree)
    signal = gda_signal(tree, path)
    if signal is not None and (py2_parses is None or py2_parses(text)):
        reason = f"Python 2 because it is valid Python 2 and 3 and {signal}"
        if division is not None:
            reason += (
                f"; its '/' (line {division}) floors two integers as Python 2 does "
                "(make its first line '# gda-bridge: python3' for true division)"
            )
        return ModeDecision("py2", reason)
    reason = "Python 3 because it is valid Python 3 and shows no sign of GDA's Python 2"
    if division is not None:
        reason += (
            f"; its '/' (line {division}) is true division "
            "(make its first line '# gda-bridge: python2' if it was written for Jython)"
        )
    return ModeDecision("py3", reason)


def _parse(text: str, path: str | os.PathLike[str] | None) -> tuple[ast.AST | None, SyntaxError | None]:
    try:
        return ast.parse(text, filename=str(path or "<script>")), None
    except SyntaxError as err:
        return None, err
    except ValueError as err:  # a NUL byte in the text
        return None, SyntaxError(str(err))


def python3_only(tree: ast.AST) -> str | None:
    """The first construct of tree that Python 2 lacks, with its line; None if there is none."""
    for node in ast.walk(tree):
        what = _python3_construct(node)
        if what is not None:
            return f"{what} (line {getattr(node, 'lineno', '?')})"
    return None


def _python3_construct(node: ast.AST) -> str | None:
    if isinstance(node, ast.JoinedStr):
        return "an f-string"
    if isinstance(node, ast.Nonlocal):
        return "'nonlocal'"
    if isinstance(node, ast.AsyncFunctionDef | ast.Await | ast.AsyncFor | ast.AsyncWith):
        return "async/await"
    if isinstance(node, ast.AnnAssign) or (isinstance(node, ast.arg) and node.annotation is not None):
        return "an annotation"
    if isinstance(node, ast.FunctionDef | ast.Lambda):
        if node.args.kwonlyargs or node.args.posonlyargs:
            return "keyword-only or positional-only parameters"
        if isinstance(node, ast.FunctionDef) and node.returns is not None:
            return "an annotation"
    if isinstance(node, ast.YieldFrom):
        return "'yield from'"
    if isinstance(node, ast.Raise) and node.cause is not None:
        return "'raise ... from'"
    if isinstance(node, ast.Starred) and isinstance(node.ctx, ast.Store):
        return "a starred assignment"
    if isinstance(node, ast.Dict) and any(key is None for key in node.keys):
        return "'**' in a dict display"
    if isinstance(node, ast.NamedExpr):
        return "':='"
    if isinstance(node, ast.BinOp | ast.AugAssign) and isinstance(node.op, ast.MatMult):
        return "the '@' operator"
    if isinstance(node, ast.Match):
        return "'match'"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id == "print" and any(k.arg in ("sep", "end", "file", "flush") for k in node.keywords):
            return "print(..., end=/sep=/file=)"
        if node.func.id == "super" and not node.args and not node.keywords:
            return "super() without arguments"
    return None


def division_line(tree: ast.AST) -> int | None:
    """The line of the first ``/`` whose result Python 2 and 3 may differ on, unless the file has
    ``from __future__ import division``."""
    first: int | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            if any(a.name == "division" for a in node.names):
                return None
        if isinstance(node, ast.BinOp | ast.AugAssign) and isinstance(node.op, ast.Div):
            line = node.lineno
            first = line if first is None else min(first, line)
    return first


def _gda_module(name: str | None) -> bool:
    if not name:
        return False
    return name.split(".")[0] in GDA_MODULES or name == "uk.ac" or name.startswith("uk.ac.")


def gda_signal(tree: ast.AST, path: str | os.PathLike[str] | None) -> str | None:
    """What in or around the file says it is GDA's Python 2, or None."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _gda_module(alias.name):
                    return f"imports {alias.name} (line {node.lineno}), part of GDA"
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _gda_module(node.module):
            return f"imports {node.module} (line {node.lineno}), part of GDA"
        elif isinstance(node, ast.Name) and node.id in PY2_BUILTINS and isinstance(node.ctx, ast.Load):
            return f"uses {node.id} (line {node.lineno}), which only Python 2 has"
        elif isinstance(node, ast.Attribute) and node.attr in PY2_METHODS:
            return f"calls .{node.attr}() (line {node.lineno}), which only Python 2 has"
    if path is not None:
        sibling = _print_statement_beside(Path(path).resolve())
        if sibling is not None:
            return f"{sibling}, beside it in its folder or package, has print statements"
    return None


def _print_statement_beside(path: Path) -> str | None:
    """A file of the same folder, or of the package the file is part of (its folders up to the
    top one with an ``__init__.py``), with a print statement."""
    folder = path.parent
    for _level in range(4):
        found = next((f for f in _print_statement_files(folder) if f != path.name or folder != path.parent), None)
        if found is not None:
            return found if folder == path.parent else f"{folder.name}/{found}"
        if not (folder / "__init__.py").is_file():
            return None
        folder = folder.parent
    return None


@functools.lru_cache(maxsize=64)
def _print_statement_files(folder: Path) -> tuple[str, ...]:
    """Names of (at most two) files of folder with a Python 2 print statement, looking at the
    first SIBLING_FILES .py files in name order."""
    try:
        files = sorted(p for p in folder.iterdir() if p.suffix == ".py" and p.is_file())
    except OSError:
        return ()
    found = []
    for file in files[:SIBLING_FILES]:
        try:
            with open(file, encoding="utf-8", errors="replace") as f:
                head = f.read(SIBLING_BYTES)
        except OSError:
            continue
        if _PRINT_STATEMENT.search(head):
            found.append(file.name)
            if len(found) == 2:
                break
    return tuple(found)


def translates_as_py2(translate: Callable[[str], str]) -> Callable[[str], bool]:
    """Wrap ``translate(text) -> str`` into ``py2_parses(text) -> bool``."""

    def parses(text: str) -> bool:
        try:
            translate(text)
        except TranslationError:
            return False
        return True

    return parses
