"""On-disk cache of translated scripts, keyed by a hash of everything the output depends on."""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from gda_bridge.jython.translate._aliases import AliasRegistry

log = logging.getLogger("gda_bridge.jython.translate")

# Bump when the translation of any input changes (new fixer, new rule); the key also holds a hash
# of the translator's source (translator_hash), so an edited rule never serves a stale entry.
TRANSLATOR_VERSION = "2"
_TRANSLATOR_DIR = Path(__file__).resolve().parent
_ENV = "GDA_BRIDGE_CACHE_DIR"


def default_cache_dir() -> Path:
    """``$GDA_BRIDGE_CACHE_DIR/translate``, else ``$XDG_CACHE_HOME`` or ``~/.cache`` +
    ``gda-bridge/translate``."""
    root = os.environ.get(_ENV)
    if root:
        return Path(root) / "translate"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gda-bridge" / "translate"


_fissix_version: str | None = None
_translator_hash: str | None = None


def translator_hash() -> str:
    """A fingerprint of the translator's own source (this package and its fixers): every file's
    name, size and modification time, so editing a rule changes it. Computed once per process
    from stat() alone (opening the files would cost a cache hit more than the rest of it)."""
    global _translator_hash
    if _translator_hash is None:
        digest = hashlib.sha256()
        for path in sorted(_TRANSLATOR_DIR.rglob("*.py")):
            try:
                info = path.stat()
                stamp = f"{info.st_size}:{info.st_mtime_ns}"
            except OSError:
                stamp = "unreadable"
            digest.update(f"{path.relative_to(_TRANSLATOR_DIR).as_posix()}={stamp}\0".encode())
        _translator_hash = digest.hexdigest()[:16]
    return _translator_hash


def _fissix() -> str:
    """fissix's version, read from its source without importing it (a cache hit must stay fast:
    importing fissix or asking importlib.metadata costs tens of milliseconds)."""
    global _fissix_version
    if _fissix_version is None:
        _fissix_version = "unknown"
        spec = importlib.util.find_spec("fissix")
        if spec is not None and spec.origin:
            try:
                text = (Path(spec.origin).parent / "__version__.py").read_text()
            except OSError:
                text = ""
            match = re.search(r"__version__\s*=\s*['\"]([^'\"]+)", text)
            if match:
                _fissix_version = match.group(1)
    return _fissix_version


class TranslationCache:
    """Translated text by content hash, one file per entry, written atomically (a reader never sees
    a partial file). A directory that cannot be written only costs speed: a warning is logged."""

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_cache_dir()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(text: str, mode: str, aliases: AliasRegistry | Iterable[str] | None, extra: str = "") -> str:
        """The entry for text: the translator's own source hash and version, fissix's version,
        the mode, the aliases (plain and vararg, which translate differently), extra (what else
        the output depends on, e.g. the sibling modules of a package) and the text."""
        digest = hashlib.sha256()
        header = f"gda-bridge-translate {TRANSLATOR_VERSION} {translator_hash()} fissix {_fissix()} {mode}\0"
        digest.update(header.encode())
        if isinstance(aliases, AliasRegistry):
            plain, vararg = sorted(aliases.aliases), sorted(aliases.vararg_aliases)
        else:
            plain, vararg = sorted(aliases or ()), []
        digest.update(",".join(plain).encode() + b"\0" + ",".join(vararg).encode() + b"\0")
        digest.update(extra.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.py"

    def get(self, key: str) -> str | None:
        try:
            with open(self._path(key), encoding="utf-8", newline="") as f:
                text = f.read()
        except (FileNotFoundError, NotADirectoryError):
            self.misses += 1
            return None
        except OSError as err:
            log.warning("translation cache unreadable (%s); translating afresh", err)
            self.misses += 1
            return None
        self.hits += 1
        return text

    def put(self, key: str, text: str) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".py")
            try:
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                    f.write(text)
                os.replace(tmp, path)
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError as err:
            log.warning("cannot write the translation cache in %s: %s", self.directory, err)

    def clear(self) -> None:
        """Remove every cached entry."""
        if not self.directory.is_dir():
            return
        for entry in self.directory.glob("*/*.py"):
            entry.unlink(missing_ok=True)
