"""gdascripts.messages.handle_messages: simpleLog and log print to the terminal and log."""

import logging
from typing import Any

from gda_bridge.scans.context import context

logger = logging.getLogger("gdascripts.messages.handle_messages")


def log(
    controller: Any, msg: object, exceptionType: Any = None, exception: Any = None,  # noqa: N803
    traceback: Any = None, Raise: bool = False,  # noqa: N803
) -> None:
    """Print msg (with the exception, if any) to the terminal and log it; raise it if asked."""
    text = str(msg)
    if exceptionType is not None:
        text = f"{text} {getattr(exceptionType, '__name__', exceptionType)}".strip()
    if exception is not None:
        text = f"{text} {exception}".strip()
    if controller is not None:
        controller.update(None, text)
    (logger.error if exception is not None else logger.info)(text)
    context().output(text)
    if Raise:
        raise Exception(text)


def simpleLog(message: object) -> None:  # noqa: N802
    log(None, message)
