"""GDA command syntax and Python 2 -> 3 translation for scripts and console lines.

Two passes, both strictly line-preserving: ``pos x 1`` -> ``pos([x, 1])`` for registered aliases
(as GDA's translator emits them), then (py2 mode) fissix plus our fixers keeping Jython 2.7
semantics. Which mode a file is in: a pragma, a legacy path, --mode, else its code (_detect).
Results are cached on disk by content hash. See docs/jython.md.
"""

from gda_bridge.jython.translate._aliases import (
    DEFAULT_ALIASES,
    DEFAULT_VARARG_ALIASES,
    AliasRegistry,
)
from gda_bridge.jython.translate._api import DEFAULT_CACHE, compile_script, decide_mode, translate_source
from gda_bridge.jython.translate._cache import TranslationCache, default_cache_dir
from gda_bridge.jython.translate._errors import TranslationError
from gda_bridge.jython.translate._mode import Mode, ModeDecision, parse_mode
from gda_bridge.jython.translate._py2to3 import convert_py2, warm_up
from gda_bridge.jython.translate._syntax import translate_gda_syntax

__all__ = [
    "DEFAULT_ALIASES",
    "DEFAULT_CACHE",
    "DEFAULT_VARARG_ALIASES",
    "AliasRegistry",
    "Mode",
    "ModeDecision",
    "TranslationCache",
    "TranslationError",
    "compile_script",
    "convert_py2",
    "decide_mode",
    "default_cache_dir",
    "parse_mode",
    "translate_gda_syntax",
    "translate_source",
    "warm_up",
]
