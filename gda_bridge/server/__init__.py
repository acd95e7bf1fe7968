"""The command server: one worker thread owns the engine and runs a persistent queue of commands
and macros; HTTP and WebSocket clients (the thin CLI client, the operator's web page) submit and
watch.

Modules: ``models`` (the typed messages), ``tokens`` (bearer tokens and roles), ``store`` (the
SQLite queue and history), ``worker`` (the engine's thread), ``events`` (live events to
WebSocket clients), ``service`` (permissions, the baton, the operations), ``app`` (the FastAPI
transport), ``run`` (starting uvicorn), ``client`` (the thin client). Importing this package
does not import the engine; the client needs only ``client`` and ``models``.
"""
