"""Starting the server: the namespace, the service and its worker, then uvicorn on a socket."""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gda_bridge.core.errors import GdaBridgeError

if TYPE_CHECKING:
    from gda_bridge.server.scan_files import ScanFolder
    from gda_bridge.server.service import Service

log = logging.getLogger("gda_bridge.server")


class UnsafeBindError(GdaBridgeError, ValueError):
    """A non-loopback address without --allow-remote and TLS."""


@dataclass
class ServerOptions:
    host: str = "127.0.0.1"
    port: int = 8787
    tokens: Path = Path("tokens.json")
    db: Path = Path("queue.sqlite")
    config: Path | None = None
    startup: Path | None = None
    scripts: Path | None = None
    hold: bool = False
    allow_remote: bool = False
    ssl_certfile: Path | None = None
    ssl_keyfile: Path | None = None
    translate: str | None = None
    """``module:function`` (GDA syntax -> Python, applied to every command and script in the
    worker process); None: the session's translator of GDA syntax."""
    worker_user: str | None = None
    """Who the worker process runs as when the server runs as root (None: ``nobody``)."""
    baton_timeout: float = 300.0
    """Seconds after the baton holder's last connection (WebSocket or request) until the baton is
    released (0: never)."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(opts: ServerOptions) -> None:
    """Loopback only, unless asked explicitly and with TLS."""
    if is_loopback(opts.host):
        return
    if not opts.allow_remote:
        raise UnsafeBindError(
            f"refusing to listen on {opts.host}: the server binds to loopback (127.0.0.1) unless "
            "started with --allow-remote and TLS (--ssl-certfile, --ssl-keyfile)"
        )
    if opts.ssl_certfile is None or opts.ssl_keyfile is None:
        raise UnsafeBindError(
            f"refusing to listen on {opts.host} without TLS: give --ssl-certfile and --ssl-keyfile "
            "(tokens must not cross the network in clear)"
        )


class _RedactTokens(logging.Filter):
    """Keep tokens given as ``?token=`` out of the access log."""

    _pattern = re.compile(r"token=[^&\s\"']+")

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = tuple(
                self._pattern.sub("token=***", a) if isinstance(a, str) else a for a in record.args
            )
        record.msg = self._pattern.sub("token=***", str(record.msg))
        return True


def build_service(opts: ServerOptions) -> Service:
    """The service and how its worker process starts: as which user, seeing which paths; the
    engine itself is never imported here, only in the worker process."""
    from gda_bridge.config import load_config
    from gda_bridge.server import isolation
    from gda_bridge.server.service import Service
    from gda_bridge.server.store import QueueStore
    from gda_bridge.server.tokens import TokenStore
    from gda_bridge.server.worker import WorkerLaunch
    from gda_bridge.session.files import data_dir_for

    user = isolation.choose_user(opts.worker_user)
    config = load_config(opts.config) if opts.config is not None else None
    if config is None:
        log.warning("no --config: the server has the demo's simulated devices and what --startup defines")
    data_dir = data_dir_for(config.data_dir if config else None).absolute()
    isolation.prepare_data_dir(data_dir, user)
    isolation.no_dumping()
    isolation.private_file(opts.db)
    config_dir = opts.config.absolute().parent if opts.config is not None else None
    launch = WorkerLaunch(
        user, config=opts.config, startup=opts.startup, scripts=opts.scripts, translate=opts.translate,
        need=isolation.needed_paths(config_dir, opts.config, opts.startup, opts.scripts, data_dir),
        hide=[opts.tokens.absolute(), opts.db.absolute()],
    )
    return Service(TokenStore(opts.tokens), QueueStore(opts.db), launch, hold=opts.hold)


def scan_folder_of(opts: ServerOptions) -> ScanFolder:
    """Where the scans write their files, as the session decides it (config, $GDA_BRIDGE_DATA_DIR)."""
    from gda_bridge.config import load_config
    from gda_bridge.server.scan_files import ScanFolder
    from gda_bridge.session.files import data_dir_for

    config = load_config(opts.config) if opts.config is not None else None
    return ScanFolder(data_dir_for(config.data_dir if config else None), config.name if config else "gda")


def serve(opts: ServerOptions) -> None:
    """Run until SIGINT/SIGTERM; a running item is then aborted and marked interrupted, and uvicorn
    re-raises the signal (exit status 130 after Ctrl-C, killed by SIGTERM otherwise)."""
    check_bind(opts)
    import uvicorn

    from gda_bridge.server.app import create_app

    logging.getLogger("gda_bridge.server").setLevel(min(logging.INFO, logging.getLogger().getEffectiveLevel()))
    for name in ("uvicorn.access", "uvicorn.error"):
        logging.getLogger(name).addFilter(_RedactTokens())
    if not opts.tokens.is_file():
        log.warning("no token file %s: every request will get 401; create tokens with "
                    "`gda-bridge token add NAME --role admin --tokens %s`", opts.tokens, opts.tokens)
    service = build_service(opts)
    try:
        service.start()
        family = socket.AF_INET6 if ":" in opts.host else socket.AF_INET
        # proto given explicitly: asyncio sets TCP_NODELAY only on sockets that say IPPROTO_TCP, and
        # without it every keep-alive request waits ~40 ms for a delayed ACK
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((opts.host, opts.port))
        sock.listen(128)
        port = sock.getsockname()[1]
        config = uvicorn.Config(
            create_app(service, scan_folder_of(opts), baton_timeout=opts.baton_timeout), host=opts.host, port=port,
            log_config=None, ws_max_size=64 * 1024, ws_per_message_deflate=False,
            timeout_graceful_shutdown=3, lifespan="on",
            ssl_certfile=str(opts.ssl_certfile) if opts.ssl_certfile else None,
            ssl_keyfile=str(opts.ssl_keyfile) if opts.ssl_keyfile else None,
        )
        scheme = "https" if opts.ssl_certfile else "http"
        host = f"[{opts.host}]" if family == socket.AF_INET6 else opts.host
        print(f"gda-bridge server: listening on {scheme}://{host}:{port}", file=sys.stderr, flush=True)  # noqa: T201
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        service.stop()
