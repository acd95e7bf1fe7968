"""translate_source / compile_script: the two passes, the cache and the user-facing errors."""

from __future__ import annotations

import linecache
import logging
from collections.abc import Collection
from types import CodeType

from gda_bridge.jython import runtime
from gda_bridge.jython.translate._aliases import AliasRegistry
from gda_bridge.jython.translate._cache import TranslationCache
from gda_bridge.jython.translate._errors import TranslationError
from gda_bridge.jython.translate._mode import HOW_TO_RUN_AS_PY2, ModeDecision, parse_mode, python2_hint
from gda_bridge.jython.translate._py2to3 import convert_py2
from gda_bridge.jython.translate._syntax import expand_indentation_tabs, translate_gda_syntax

log = logging.getLogger("gda_bridge.jython.translate")


class _Default:
    def __repr__(self) -> str:
        return "DEFAULT_CACHE"


DEFAULT_CACHE = _Default()
_default_cache: TranslationCache | None = None

Aliases = AliasRegistry | Collection[str] | None
ModeArg = str | ModeDecision


def _resolve_cache(cache: TranslationCache | _Default | None) -> TranslationCache | None:
    global _default_cache
    if isinstance(cache, _Default):
        if _default_cache is None:
            _default_cache = TranslationCache()
        return _default_cache
    return cache


def _alias_names(aliases: Aliases) -> Collection[str]:
    if aliases is None:
        return frozenset()
    if isinstance(aliases, AliasRegistry):
        return aliases.names
    return frozenset(aliases)


def _mode(mode: ModeArg, mode_reason: str | None) -> tuple[str, str | None]:
    if isinstance(mode, ModeDecision):
        return mode.mode, mode_reason or mode.reason
    return parse_mode(mode), mode_reason


def translate_source(
    text: str,
    filename: str = "<script>",
    mode: ModeArg = "py3",
    aliases: Aliases = None,
    *,
    cache: TranslationCache | _Default | None = DEFAULT_CACHE,
) -> str:
    """GDA command syntax (when aliases are given) then, in py2 mode, Python 2 -> 3.

    The result has exactly the lines of text, each translated in place. aliases=None skips the
    command-syntax pass (GDA does not translate imported modules). Raises TranslationError naming
    the file, line and construct when the text cannot be translated.
    """
    mode_name, _reason = _mode(mode, None)
    names = _alias_names(aliases)
    if mode_name == "py3" and not names:
        return text
    store = _resolve_cache(cache)
    key = None
    if store is not None:
        key = store.key(text, mode_name, names)
        cached = store.get(key)
        if cached is not None:
            return cached
    result = translate_gda_syntax(text, names) if names else text
    if result.count("\n") != text.count("\n"):  # never expected: the pass only inserts characters
        raise RuntimeError(f"{filename}: the command-syntax pass changed the number of lines")
    if mode_name == "py2":
        result = convert_py2(expand_indentation_tabs(result), filename)
    if store is not None and key is not None:
        store.put(key, result)
    return result


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
) -> CodeType:
    """Translate and compile a script under the user's own filename.

    Line numbers match the user's text, and the text is registered with linecache under filename,
    so a traceback names the user's file and line and shows the user's own line. In py2 mode the
    run-time helpers (``__gda_div__``...) are installed in builtins. A syntax error in the user's
    code comes back as a SyntaxError at the user's line with the user's text; in py3 mode, when
    the file looks like Python 2, as a TranslationError saying so and how to switch mode.
    """
    mode_name, reason = _mode(mode, mode_reason)
    translated = translate_source(text, filename, mode_name, aliases, cache=cache)
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
