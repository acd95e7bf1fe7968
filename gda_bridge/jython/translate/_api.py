"""translate_source / compile_script: the two passes, the cache and the user-facing errors."""

from __future__ import annotations

import linecache
import logging
import os
from collections import OrderedDict
from collections.abc import Collection, Iterable
from pathlib import Path
from types import CodeType

from gda_bridge.jython import runtime
from gda_bridge.jython.translate._aliases import AliasRegistry
from gda_bridge.jython.translate._cache import TranslationCache
from gda_bridge.jython.translate._detect import detect, translates_as_py2
from gda_bridge.jython.translate._errors import TranslationError
from gda_bridge.jython.translate._mode import (
    HOW_TO_RUN_AS_PY2,
    NO_RULE,
    ModeDecision,
    decide_by_rule,
    parse_mode,
    python2_hint,
)
from gda_bridge.jython.translate._py2to3 import convert_py2
from gda_bridge.jython.translate._syntax import (
    expand_indentation_tabs,
    hide_keyword_members,
    restore_keyword_members,
    translate_gda_syntax,
)

log = logging.getLogger("gda_bridge.jython.translate")


class _Default:
    def __repr__(self) -> str:
        return "DEFAULT_CACHE"


DEFAULT_CACHE = _Default()
_default_cache: TranslationCache | None = None
# The last translations of this process by cache key, with or without a disk cache: deciding a
# file's mode translates it once, compiling it then finds that result here.
_recent: OrderedDict[str, str] = OrderedDict()
_RECENT = 64

Aliases = AliasRegistry | Collection[str] | None
ModeArg = str | ModeDecision


def _resolve_cache(cache: TranslationCache | _Default | None) -> TranslationCache | None:
    global _default_cache
    if isinstance(cache, _Default):
        if _default_cache is None:
            _default_cache = TranslationCache()
        return _default_cache
    return cache


def _registry(aliases: Aliases) -> AliasRegistry | None:
    """The aliases as a registry (a plain collection of names: plain aliases); None for none."""
    if aliases is None:
        return None
    if isinstance(aliases, AliasRegistry):
        return aliases
    return AliasRegistry(aliases, ())


def _mode(mode: ModeArg, mode_reason: str | None) -> tuple[str, str | None]:
    if isinstance(mode, ModeDecision):
        return mode.mode, mode_reason or mode.reason
    return parse_mode(mode), mode_reason


def _siblings(filename: str) -> str:
    """The modules beside a package module (its implicit relative imports depend on them)."""
    folder = Path(filename).parent
    try:
        names = sorted(
            p.name for p in folder.iterdir() if p.suffix == ".py" or (p / "__init__.py").is_file()
        )
    except OSError:
        names = []
    return "package:" + ",".join(names)


def translate_source(
    text: str,
    filename: str = "<script>",
    mode: ModeArg = "py3",
    aliases: Aliases = None,
    *,
    cache: TranslationCache | _Default | None = DEFAULT_CACHE,
    package: bool = False,
) -> str:
    """GDA command syntax (when aliases are given) then, in py2 mode, Python 2 -> 3.

    The result has exactly the lines of text, each translated in place. aliases=None skips the
    command-syntax pass (GDA does not translate imported modules). package=True: the file is a
    module of a package, whose bare imports of sibling modules are Python 2's implicit relative
    imports. Raises TranslationError naming the file, line and construct when the text cannot be
    translated.
    """
    mode_name, _reason = _mode(mode, None)
    registry = _registry(aliases)
    if mode_name == "py3" and (registry is None or not registry.names):
        return text
    package = package and mode_name == "py2"
    store = _resolve_cache(cache)
    key = TranslationCache.key(text, mode_name, registry, _siblings(filename) if package else "")
    result = _recent.get(key)
    if result is not None:
        _recent.move_to_end(key)
        return result
    if store is not None:
        result = store.get(key)
    if result is None:
        result = _translate(text, filename, mode_name, registry, package)
        if store is not None:
            store.put(key, result)
    _recent[key] = result
    if len(_recent) > _RECENT:
        _recent.popitem(last=False)
    return result


def _translate(text: str, filename: str, mode: str, registry: AliasRegistry | None, package: bool) -> str:
    result = translate_gda_syntax(text, registry) if registry is not None and registry.names else text
    if result.count("\n") != text.count("\n"):  # never expected: the pass only inserts characters
        raise RuntimeError(f"{filename}: the command-syntax pass changed the number of lines")
    if mode == "py2":
        hidden = hide_keyword_members(expand_indentation_tabs(result))
        result = restore_keyword_members(convert_py2(hidden, filename, package=package))
    return result


def decide_mode(
    path: str | os.PathLike[str] | None,
    text: str,
    legacy_paths: Iterable[str | os.PathLike[str]] = (),
    override: str | None = None,
    aliases: Aliases = None,
    *,
    detect_language: bool = True,
    package: bool = False,
    cache: TranslationCache | _Default | None = DEFAULT_CACHE,
) -> ModeDecision:
    """Python 2 or 3 for one file, and why: a pragma comment, a legacy script path, then override
    (``--mode``) decide first; else the code itself (see _detect: not valid Python 3 but valid
    Python 2, or valid in both with GDA's signs -> Python 2). detect_language=False: Python 3 when
    no rule applies. The reason is for the user to see; it names the line of a ``/`` whose result
    the choice decides.
    """
    decided = decide_by_rule(path, text, legacy_paths, override)
    if decided is not None:
        return decided
    if not detect_language:
        return ModeDecision("py3", NO_RULE)
    registry = _registry(aliases)
    name = str(path) if path is not None else "<script>"

    def as_py2(source: str) -> str:
        return translate_source(source, name, "py2", registry, cache=cache, package=package)

    def with_commands(source: str) -> str:
        return translate_source(source, name, "py3", registry, cache=cache)

    return detect(path, text, registry, translates_as_py2(as_py2), with_commands)


def _user_line(text: str, lineno: int | None) -> str | None:
    lines = text.splitlines()
    if lineno and 0 < lineno <= len(lines):
        return lines[lineno - 1] + "\n"
    return None


def compile_script(
    text: str,
    filename: str,
    mode: ModeArg = "py3",
    aliases: Aliases = None,
    *,
    cache: TranslationCache | _Default | None = DEFAULT_CACHE,
    mode_reason: str | None = None,
    package: bool = False,
) -> CodeType:
    """Translate and compile a script under the user's own filename.

    Line numbers match the user's text, and the text is registered with linecache under filename,
    so a traceback names the user's file and line and shows the user's own line. In py2 mode the
    run-time helpers (``__gda_div__``...) are installed in builtins. A syntax error in the user's
    code comes back as a SyntaxError at the user's line with the user's text; in py3 mode, when
    the file looks like Python 2, as a TranslationError saying so and how to switch mode.
    """
    mode_name, reason = _mode(mode, mode_reason)
    translated = translate_source(text, filename, mode_name, aliases, cache=cache, package=package)
    if mode_name == "py2":
        runtime.install()
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    try:
        return compile(translated, filename, "exec", dont_inherit=True)
    except SyntaxError as err:
        user_text = _user_line(text, err.lineno)
        if mode_name == "py3":
            construct = python2_hint(text, err.lineno)
            if construct is not None:
                ran = reason or "Python 3"
                raise TranslationError(
                    f"{err.msg}\nThis file looks like Python 2 ({construct}) but ran as {ran}. "
                    + HOW_TO_RUN_AS_PY2,
                    filename=filename,
                    lineno=err.lineno,
                    offset=err.offset,
                    text=user_text,
                ) from None
        if user_text is not None:
            err.text = user_text
            err.offset = None
            err.end_offset = None
        raise
