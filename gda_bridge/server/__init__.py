"""The command server: a worker process owns the engine and runs a persistent queue of commands
and macros; the API process (tokens, database, baton, queue) serves HTTP and WebSocket clients
(the thin CLI client, the operator's web page) that submit and watch.

Modules: ``models`` (the typed messages), ``tokens`` (bearer tokens and roles), ``store`` (the
SQLite queue and history), ``worker`` (the API side of the worker process), ``worker_process``
(the worker process itself), ``channel`` (their JSON channel), ``isolation`` and
``worker_launch`` (starting it without the server's secrets), ``events`` (live events to
WebSocket clients), ``service`` (permissions, the baton, the operations), ``app`` (the FastAPI
transport), ``run`` (starting uvicorn), ``client`` (the thin client). Importing this package
does not import the engine; the client needs only ``client`` and ``models``.
"""
