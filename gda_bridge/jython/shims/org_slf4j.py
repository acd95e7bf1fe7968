"""org.slf4j for scripts: LoggerFactory.getLogger(name) gives a Python logger with slf4j's names."""

import logging
from typing import Any


class _Logger:
    def __init__(self, name: str) -> None:
        self._log = logging.getLogger(name)

    def trace(self, msg: object, *args: Any) -> None:
        self._log.debug(str(msg).replace("{}", "%s"), *args)

    def debug(self, msg: object, *args: Any) -> None:
        self._log.debug(str(msg).replace("{}", "%s"), *args)

    def info(self, msg: object, *args: Any) -> None:
        self._log.info(str(msg).replace("{}", "%s"), *args)

    def warn(self, msg: object, *args: Any) -> None:
        self._log.warning(str(msg).replace("{}", "%s"), *args)

    warning = warn

    def error(self, msg: object, *args: Any) -> None:
        self._log.error(str(msg).replace("{}", "%s"), *args)

    def isDebugEnabled(self) -> bool:  # noqa: N802
        return self._log.isEnabledFor(logging.DEBUG)


class LoggerFactory:
    @staticmethod
    def getLogger(name: object) -> _Logger:  # noqa: N802
        return _Logger(name if isinstance(name, str) else getattr(name, "__name__", str(name)))


Logger = _Logger
