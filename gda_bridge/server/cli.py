"""``gda-bridge server | token | client``: argument parsing and terminal output only.

Imports stay inside the handlers so ``gda-bridge client`` never loads the engine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from gda_bridge.scans.table import duration_text

DEFAULT_URL = "http://127.0.0.1:8787"


def _err(message: str) -> None:
    print(message, file=sys.stderr)  # noqa: T201


def _out(message: str) -> None:
    print(message, flush=True)  # noqa: T201


# --- server ---------------------------------------------------------------------------------------
def _server(args: argparse.Namespace) -> int:
    from gda_bridge.core.errors import GdaBridgeError
    from gda_bridge.server.run import ServerOptions, UnsafeBindError, serve

    opts = ServerOptions(
        host=args.host, port=args.port, tokens=Path(args.tokens), db=Path(args.db),
        config=Path(args.config) if args.config else None,
        startup=Path(args.startup) if args.startup else None,
        scripts=Path(args.scripts) if args.scripts else None, hold=args.hold, worker_user=args.worker_user,
        allow_remote=args.allow_remote,
        ssl_certfile=Path(args.ssl_certfile) if args.ssl_certfile else None,
        ssl_keyfile=Path(args.ssl_keyfile) if args.ssl_keyfile else None,
        baton_timeout=args.baton_timeout,
    )
    if not opts.baton_timeout >= 0:  # also NaN
        _err(f"gda-bridge server: --baton-timeout {args.baton_timeout}: give seconds >= 0 (0: never)")
        return 2
    for label, path in (("startup script", opts.startup), ("scripts directory", opts.scripts)):
        if path is not None and not path.exists():
            _err(f"gda-bridge server: no such {label}: {path}")
            return 2
    try:
        serve(opts)
    except UnsafeBindError as exc:
        _err(f"gda-bridge server: {exc}")
        return 2
    except (GdaBridgeError, SyntaxError, OSError) as exc:
        _err(f"gda-bridge server: cannot start: {type(exc).__name__}: {exc}")
        return 1
    return 0


# --- token ----------------------------------------------------------------------------------------
def _token(args: argparse.Namespace) -> int:
    from gda_bridge.server.tokens import TokenError, TokenStore

    store = TokenStore(args.tokens)
    try:
        if args.action == "add":
            token = store.add(args.name, args.role)
            _err(f"token for {args.name} ({args.role}) added to {args.tokens}; it is shown only now:")
            _out(token)
        elif args.action == "remove":
            store.remove(args.name)
            _err(f"token of {args.name} removed")
        else:
            for e in store.list():
                _out(f"{e.name:20} {e.role.value:9} created {time.strftime('%Y-%m-%d %H:%M', time.localtime(e.created))}")
    except TokenError as exc:
        _err(f"gda-bridge token: {exc}")
        return 1
    return 0


# --- client ---------------------------------------------------------------------------------------
def _item_line(item: dict[str, Any]) -> str:
    scans = f" scans {','.join(map(str, item['scan_numbers']))}" if item.get("scan_numbers") else ""
    error = f"  ({item['error']})" if item.get("error") else ""
    text = item["text"] if item["kind"] != "script" else "<script> " + item["text"].splitlines()[0][:60]
    if item["kind"] == "macro" and item.get("args"):
        text += " " + " ".join(item["args"])
    about = f"  (about {duration_text(item['estimated_seconds'])})" if item.get("estimated_seconds") is not None else ""
    return f"#{item['id']:<5} {item['status']:11} {item['owner']:12} {text}{scans}{error}{about}"


def _watch(client: Any, item_id: int | None, as_json: bool) -> int:
    """Print events (output lines and item changes); with ``item_id``, only that item's output
    (also what it printed before we connected), and stop when it ends."""
    printed = 0

    def catch_up() -> dict:
        nonlocal printed
        item = client.item(item_id)
        for line in (item.get("output") or [])[printed:]:
            _out(line)
        printed = max(printed, len(item.get("output") or []))
        return item

    for event in client.events():
        kind = event["type"]
        if as_json:
            _out(json.dumps(event))
        elif kind == "output" and item_id is None:
            for line in event["lines"]:
                _out(line)
        elif kind == "output" and event["item_id"] == item_id:
            for seq, line in enumerate(event["lines"], start=event["seq"]):
                if seq >= printed:
                    _out(line)
            printed = max(printed, event["seq"] + len(event["lines"]))
        elif kind == "item" and item_id is None:
            _out(f"[{_item_line(event['item'])}]")
        elif kind == "dropped":
            _err(f"[{event['count']} events dropped: this client read too slowly]")
        if item_id is not None and kind in ("item", "queue", "status"):
            item = catch_up() if not as_json else client.item(item_id)
            if item["status"] in ("completed", "failed", "aborted", "interrupted"):
                if not as_json:
                    _out(f"[{_item_line(item)}]")
                return 0 if item["status"] == "completed" else 1
    return 0


def _client(args: argparse.Namespace) -> int:
    from gda_bridge.server.client import ServerClient, ServerRequestError

    token = args.token or os.environ.get("GDA_BRIDGE_TOKEN")
    if not token:
        _err("gda-bridge client: give --token or set GDA_BRIDGE_TOKEN")
        return 2
    verify: bool | str = args.cafile or True
    with ServerClient(args.url, token, verify=verify) as client:
        try:
            return _client_action(client, args)
        except ServerRequestError as exc:
            _err(f"gda-bridge client: {exc}")
            return 1
        except OSError as exc:
            _err(f"gda-bridge client: cannot reach {args.url}: {exc}")
            return 1
        except Exception as exc:  # httpx transport errors are not OSError
            if type(exc).__module__.startswith(("httpx", "httpcore", "websockets")):
                _err(f"gda-bridge client: cannot reach {args.url}: {exc}")
                return 1
            raise


def _client_action(client: Any, args: argparse.Namespace) -> int:
    action = args.action
    if action == "status":
        s = client.status()
        if args.json:
            _out(json.dumps(s, indent=1))
            return 0
        _out(f"worker {s['worker']}{' (queue held)' if s['queue_held'] else ''}, {s['queue_length']} queued, "
             f"baton: {s['baton']['holder'] or 'free'}")
        if s.get("current"):
            _out(f"running {_item_line(s['current'])}")
        if s.get("scan"):
            sc = s["scan"]
            _out(f"scan {sc['scan_number']} {sc['state']}: {sc['points_done']}/{sc['num_points']} points  {sc['command']}")
    elif action in ("queue", "history"):
        items = client.queue() if action == "queue" else client.history(args.limit)
        if args.json:
            _out(json.dumps(items, indent=1))
        for item in [] if args.json else items:
            _out(_item_line(item))
        if not items and not args.json:
            _out("(empty)")
    elif action == "show":
        item = client.item(args.id)
        if args.json:
            _out(json.dumps(item, indent=1))
            return 0
        _out(_item_line(item))
        for line in item.get("output") or []:
            _out(line)
    elif action == "submit":
        if args.script:
            item = client.submit_script(Path(args.script).read_text(), Path(args.script).name)
        elif args.macro:
            item = client.submit_macro(args.text, args.args)
        else:
            item = client.submit(args.text)
        _out(f"queued {_item_line(item)}")
        if args.wait:
            return _watch(client, item["id"], args.json)
    elif action in ("pause", "resume", "abort", "finish-early"):
        _out(client.control(action))
    elif action == "stop-all":
        _out(client.stop_all())
    elif action in ("hold", "release"):
        s = client.hold(action == "hold")
        _out(f"queue {'held' if s['queue_held'] else 'running'}")
    elif action == "remove":
        client.remove(args.id)
        _out(f"removed #{args.id}")
    elif action == "move":
        for item in client.move(args.id, args.position):
            _out(_item_line(item))
    elif action == "baton":
        b = client.baton(None if args.baton_action == "show" else args.baton_action)
        _out(f"baton: {b['holder'] or 'free'}")
    elif action == "watch":
        return _watch(client, args.item, args.json)
    elif action == "whoami":
        who = client.whoami()
        _out(f"{who['name']} ({who['role']})")
    return 0


# --- parsers --------------------------------------------------------------------------------------
def add_commands(sub: Any) -> None:
    """Add ``server``, ``token`` and ``client`` to the ``gda-bridge`` parser's subcommands."""
    server = sub.add_parser("server", help="run the command server (HTTP + WebSocket, web page)")
    server.add_argument("--config", help="beamline configuration (TOML); the demo devices until the loader lands")
    server.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    server.add_argument("--port", type=int, default=8787, help="port (0: any free one; default 8787)")
    server.add_argument("--tokens", default="tokens.json", help="token file (default tokens.json)")
    server.add_argument("--db", default="queue.sqlite", help="queue and history database (default queue.sqlite)")
    server.add_argument("--startup", help="a script run in the namespace before the queue starts")
    server.add_argument("--scripts", help="directory of macros that can be queued by name")
    server.add_argument("--hold", action="store_true", help="start with the queue held")
    server.add_argument("--baton-timeout", type=float, default=300.0, metavar="SECONDS",
                        help="release the baton when its holder has had no connection for this long "
                             "(default 300; 0: never)")
    server.add_argument("--worker-user", help="when started as root: the user the worker process (which runs "
                        "the queued code) runs as (default nobody; root: no isolation)")
    server.add_argument("--allow-remote", action="store_true", help="allow a non-loopback --host (needs TLS)")
    server.add_argument("--ssl-certfile", help="TLS certificate (PEM)")
    server.add_argument("--ssl-keyfile", help="TLS private key (PEM)")
    server.set_defaults(func=_server)

    token = sub.add_parser("token", help="manage the server's bearer tokens")
    token.add_argument("--tokens", default="tokens.json", help="token file (default tokens.json)")
    tsub = token.add_subparsers(dest="action", required=True)
    add = tsub.add_parser("add", help="create a token and print it (only this once)")
    add.add_argument("name")
    add.add_argument("--role", choices=["observer", "operator", "admin"], required=True)
    tsub.add_parser("list", help="names and roles")
    rm = tsub.add_parser("remove", help="revoke a token")
    rm.add_argument("name")
    token.set_defaults(func=_token)

    client = sub.add_parser("client", help="talk to a running server")
    client.add_argument("--url", default=os.environ.get("GDA_BRIDGE_URL", DEFAULT_URL),
                        help=f"server URL (default $GDA_BRIDGE_URL or {DEFAULT_URL})")
    client.add_argument("--token", help="bearer token (default $GDA_BRIDGE_TOKEN)")
    client.add_argument("--cafile", help="CA certificate to trust for an https URL")
    client.add_argument("--json", action="store_true", help="print the server's JSON")
    csub = client.add_subparsers(dest="action", required=True)
    for name, text in (("status", "worker, scan, queue length, baton"), ("queue", "running and queued items"),
                       ("pause", "pause the running scan"), ("resume", "resume it"),
                       ("finish-early", "end the scan after this point"), ("abort", "abort the running item"),
                       ("stop-all", "admin: hold the queue, abort, stop every device"),
                       ("hold", "start no new item"), ("release", "let the queue run"), ("whoami", "your name and role")):
        csub.add_parser(name, help=text)
    hist = csub.add_parser("history", help="finished items, newest first")
    hist.add_argument("--limit", type=int, default=20)
    show = csub.add_parser("show", help="one item with its output")
    show.add_argument("id", type=int)
    submit = csub.add_parser("submit", help="queue a command (or --script FILE, or --macro NAME ARGS)")
    submit.add_argument("text", nargs="?", default="", help="the command, or the macro's name with --macro")
    submit.add_argument("args", nargs="*", help="the macro's arguments")
    submit.add_argument("--script", help="queue this script file's text")
    submit.add_argument("--macro", action="store_true", help="TEXT names a script of the server's scripts directory")
    submit.add_argument("--wait", action="store_true", help="print the item's output until it ends")
    remove = csub.add_parser("remove", help="remove a queued item")
    remove.add_argument("id", type=int)
    move = csub.add_parser("move", help="move a queued item (0: front)")
    move.add_argument("id", type=int)
    move.add_argument("position", type=int)
    baton = csub.add_parser("baton", help="show, take, release or (admin) steal the baton")
    baton.add_argument("baton_action", choices=["show", "take", "release", "steal"], nargs="?", default="show")
    watch = csub.add_parser("watch", help="print live output and item changes (Ctrl-C to stop)")
    watch.add_argument("--item", type=int, help="only this item's output; exit when it ends")
    client.set_defaults(func=_client)
