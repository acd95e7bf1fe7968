"""Python 2 -> 3 with fissix (a maintained lib2to3 fork) plus our fixers, line-preserving.

fissix's default fixers run, except those that would break what we promise:
- ``print`` is replaced by our fixer (soft space, Python 2 float format, ``print (a, b)`` prints
  a tuple as Jython did);
- ``reduce`` ``intern`` ``reload`` ``exitfunc`` ``operator`` ``sorted`` add import lines (every later
  line would move): our builtins fixer calls run-time helpers instead, the rest are left out;
- ``import`` turns ``import mymod`` into ``from . import mymod`` next to a sibling file, which is
  wrong for scripts;
- ``types`` maps ``StringType`` to bytes; ours maps it to str;
- ``tuple_params`` adds lines; tuple parameters are reported as unsupported;
- ``numliterals`` leaves ``077L`` octal; ours converts it;
- ``execfile`` compiles the file untranslated; our builtins fixer calls a helper that translates.
Every fixer's rewrite is checked to keep its line count (see ``_keeping_lines``), and the whole
result is checked again: a conversion that would move lines is refused with the line named.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import gc
import importlib
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from gda_bridge.jython.translate._errors import TranslationError

log = logging.getLogger("gda_bridge.jython.translate")

_EXCLUDED = frozenset(
    {
        "print", "reduce", "intern", "reload", "exitfunc", "operator", "sorted", "import", "types",
        "tuple_params", "numliterals", "execfile",
        # optional fixers, never run by default (listing them saves building them)
        "buffer", "idioms", "set_literal", "ws_comma",
    }
)
_OURS = (
    "gda_bridge.jython.translate._fixers.fix_gda_print",
    "gda_bridge.jython.translate._fixers.fix_gda_div",
    "gda_bridge.jython.translate._fixers.fix_gda_idiv",
    "gda_bridge.jython.translate._fixers.fix_gda_modules",
    "gda_bridge.jython.translate._fixers.fix_gda_time",
    "gda_bridge.jython.translate._fixers.fix_gda_sort",
    "gda_bridge.jython.translate._fixers.fix_gda_cmp_class",
    "gda_bridge.jython.translate._fixers.fix_gda_builtins",
    "gda_bridge.jython.translate._fixers.fix_gda_types",
    "gda_bridge.jython.translate._fixers.fix_gda_unsupported",
    "gda_bridge.jython.translate._fixers.fix_gda_numliterals",
)


@functools.cache
def fixer_names() -> tuple[str, ...]:
    """The fully qualified names of every fixer the pass may run."""
    from fissix.refactor import get_fixers_from_package

    names = [
        name for name in get_fixers_from_package("fissix.fixes") if _short(name) not in _EXCLUDED
    ]
    return tuple(names) + _OURS


# A fixer runs only when the text contains a word its pattern needs (a fixer that cannot match
# costs pattern compilation and matching for nothing). Over-inclusion is harmless; a fixer with
# no gate always runs.
def _words(*words: str) -> Callable[[str], bool]:
    return lambda text: any(word in text for word in words)


def _regex(pattern: str) -> Callable[[str], bool]:
    compiled = re.compile(pattern)
    return lambda text: compiled.search(text) is not None


def _module_names(module: str) -> Callable[[str], bool]:
    def gate(text: str) -> bool:
        mapping = importlib.import_module(f"fissix.fixes.{module}").MAPPING
        return any(name in text for name in mapping)

    return gate


_GATES: dict[str, Callable[[str], bool]] = {
    "apply": _words("apply"),
    "asserts": _words("assert"),
    "basestring": _words("basestring"),
    "dict": _words("keys", "values", "items"),
    "except": _words("except"),
    "exec": _words("exec"),
    "filter": _words("filter"),
    "funcattrs": _words("func_"),
    "future": _words("__future__"),
    "getcwdu": _words("getcwdu"),
    "has_key": _words("has_key"),
    "imports": _module_names("fix_imports"),
    "imports2": _module_names("fix_imports2"),
    "input": _words("input"),
    "isinstance": _words("isinstance"),
    "itertools": _words("imap", "ifilter", "izip"),
    "itertools_imports": _words("itertools"),
    "long": _words("long"),
    "map": _words("map"),
    "metaclass": _words("__metaclass__"),
    "methodattrs": _words("im_func", "im_self", "im_class"),
    "ne": _words("<>"),
    "next": _words("next"),
    "nonzero": _words("__nonzero__"),
    "gda_numliterals": _regex(r"\b0\d|[0-9a-fA-F][lL]\b"),
    "paren": _words("for"),
    "raise": _words("raise"),
    "raw_input": _words("raw_input"),
    "renames": _words("maxint"),
    "repr": _words("`"),
    "standarderror": _words("StandardError"),
    "sys_exc": _words("exc_"),
    "throw": _words("throw"),
    "unicode": _regex(r"unicode|unichr|\b[uU][rR]?['\"]"),
    "urllib": _words("urllib"),
    "xrange": _words("range"),  # also range() -> list(range()) wherever a list is used
    "xreadlines": _words("xreadlines"),
    "zip": _words("zip"),
    "gda_print": _words("print"),
    "gda_div": _words("/"),
    "gda_idiv": _words("/="),
    "gda_modules": _words("string", "UserDict"),
    "gda_time": _words("clock"),
    "gda_sort": _words("sort"),
    "gda_cmp_class": _words("__cmp__"),
    "gda_builtins": _words("reduce", "intern", "reload", "cmp", "file", "round", "exec", "eval"),
    "gda_types": _words("types"),
}


def _short(path: str) -> str:
    return path.rsplit(".fix_", 1)[1]


def needed_fixers(source: str) -> tuple[str, ...]:
    """The fixers that can possibly match in source."""
    return tuple(
        path for path in fixer_names() if (gate := _GATES.get(_short(path))) is None or gate(source)
    )


_lock = threading.Lock()
_instances: dict[str, Any] = {}  # fixer path -> fissix BaseFix instance, shared by our tools
_tools: dict[tuple[str, ...], Any] = {}  # fixer set -> RefactoringTool


def _fixer(path: str) -> Any:
    fixer = _instances.get(path)
    if fixer is None:
        module = importlib.import_module(path)
        class_name = "Fix" + "".join(part.title() for part in _short(path).split("_"))
        fixer = getattr(module, class_name)({"print_function": False}, [])
        fixer.transform = _keeping_lines(fixer.transform)
        _instances[path] = fixer
    return fixer


def _keeping_lines(transform: Callable[[Any, dict], Any]) -> Callable[[Any, dict], Any]:
    """Wrap a fixer's transform so the code it rewrites keeps its number of lines.

    Some fissix fixers drop a backslash continuation or a newline inside brackets
    (``raise E, \\`` + newline, ``map(lambda ...,`` + newline). The missing newlines are put back
    before the last closing bracket of the new code, where a newline is plain whitespace. What
    cannot be repaired this way is caught by the line-count check after the pass.
    """

    def wrapped(node: Any, results: dict) -> Any:
        before = str(node).count("\n")
        new = transform(node, results)
        after_node = node if new is None else new
        missing = before - str(after_node).count("\n")
        if missing > 0:
            closing = [leaf for leaf in after_node.leaves() if leaf.value in (")", "]", "}")]
            if closing:
                closing[-1].prefix += "\n" * missing
        return new

    return wrapped


def _tool_for(paths: tuple[str, ...]) -> Any:
    """A fissix RefactoringTool running exactly these fixers (built once per set)."""
    tool = _tools.get(paths)
    if tool is not None:
        return tool
    from fissix import pytree
    from fissix.refactor import RefactoringTool

    from gda_bridge.jython.translate._fastparse import FastDriver

    class _Tool(RefactoringTool):
        def __init__(self, fixer_names: list[str]) -> None:
            super().__init__(fixer_names)
            self.driver = FastDriver(self.grammar, convert=pytree.convert, logger=self.logger)

        def get_fixers(self) -> tuple[list, list]:
            fixers = [_fixer(path) for path in self.fixers]
            fixers = [f for f in fixers if not f.explicit]
            pre = sorted((f for f in fixers if f.order == "pre"), key=lambda f: f.run_order)
            post = sorted((f for f in fixers if f.order != "pre"), key=lambda f: f.run_order)
            return pre, post

    start = time.perf_counter()
    tool = _Tool(list(paths))
    log.debug(
        "fissix RefactoringTool with %d fixers ready in %.1f ms",
        len(paths),
        (time.perf_counter() - start) * 1e3,
    )
    if len(_tools) > 32:
        _tools.clear()
    _tools[paths] = tool
    return tool


def warm_up(source: str | None = None) -> float:
    """Build the fissix tool that source needs (every fixer when None) now; returns the seconds
    it took (0 when built already). Lets a console pay the start-up before the first command."""
    paths = fixer_names() if source is None else needed_fixers(source)
    start = time.perf_counter()
    with _lock:
        if paths in _tools:
            return 0.0
        _tool_for(paths)
    return time.perf_counter() - start


def _line(source: str, lineno: int | None) -> str | None:
    lines = source.splitlines()
    if lineno and 0 < lineno <= len(lines):
        return lines[lineno - 1]
    return None


def _parse_error(source: str, filename: str, err: Exception) -> TranslationError:
    """A fissix parse failure as a SyntaxError-like error at the user's line."""
    from fissix.pgen2.parse import ParseError
    from fissix.pgen2.tokenize import TokenError

    lineno: int | None = None
    offset: int | None = None
    if isinstance(err, ParseError):
        _prefix, (lineno, column) = err.context
        offset = column + 1
        detail = f"invalid syntax at {err.value!r}" if err.value else "invalid syntax"
    elif isinstance(err, TokenError):
        detail = str(err.args[0])
        lineno = err.args[1][0] if len(err.args) > 1 else None
    elif isinstance(err, SyntaxError):  # IndentationError from fissix's tokenizer
        detail, lineno, offset = err.msg, err.lineno, err.offset
    else:
        detail = str(err)
    text = _line(source, lineno)
    hint = ""
    if text is not None and _looks_like_python3(text):
        hint = (
            ". This line looks like Python 3: to run the file as Python 3, make its first line "
            "'# gda-bridge: python3' or run it with --mode py3"
        )
    return TranslationError(
        f"{detail} (parsed as Python 2){hint}", filename=filename, lineno=lineno, offset=offset, text=text
    )


def _looks_like_python3(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith(("print(", "nonlocal ", "async ", "await ")) or " end=" in stripped or (
        stripped.startswith("print(") and "file=" in stripped
    ) or stripped.startswith(("f\"", "f'"))


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while fissix builds and rewrites its tree.

    A 500-line script makes some 25,000 tree objects, all linked to their parents (cycles); with
    the collector on, they trigger repeated full collections that cost more than the parse
    itself. Paused, the tree is freed by one young-generation collection at the end.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


_IMPLICIT_RELATIVE = "fissix.fixes.fix_import"


def convert_py2(source: str, filename: str, *, package: bool = False) -> str:
    """Convert Python 2 source to Python 3 with the same number of lines.

    package=True: filename is a module of a package, so ``import sibling`` / ``from sibling import
    x`` name a module beside it (Python 2's implicit relative import) when one exists there; they
    become ``from . import sibling`` / ``from .sibling import x``.
    """
    from fissix.pgen2.parse import ParseError
    from fissix.pgen2.tokenize import TokenError

    text = source if source.endswith("\n") else source + "\n"
    with _lock, _collector_paused():
        fixers = needed_fixers(text)
        if package and "import" in text:
            fixers = (*fixers, _IMPLICIT_RELATIVE)
        tool = _tool_for(fixers)
        try:
            tree = tool.refactor_string(text, filename)
        except (ParseError, TokenError, SyntaxError) as err:
            if isinstance(err, TranslationError):
                raise
            raise _parse_error(source, filename, err) from None
        result = str(tree)
        del tree
    if not source.endswith("\n"):
        result = result[:-1]
    if result.count("\n") != source.count("\n"):
        raise _line_shift_error(source, result, filename)
    return result


def _line_shift_error(source: str, result: str, filename: str) -> TranslationError:
    """The conversion of some construct added or removed lines: name the first line it touched."""
    old, new = source.splitlines(), result.splitlines()
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    lineno = next(
        (i1 + 1 for _tag, i1, i2, j1, j2 in matcher.get_opcodes() if i2 - i1 != j2 - j1), 1
    )
    text = _line(source, lineno)
    return TranslationError(
        f"Python 2 construct {(text or '').strip()!r} is not supported: converting it would move the "
        "lines below it; rewrite it in Python 3 form (e.g. one name per 'from ... import' line)",
        filename=filename,
        lineno=lineno,
        text=text,
    )
