"""Where analysis work runs: never on the thread that emits documents.

- one "processing" thread, in scan order, for the collector's own work (processors, plots);
- one thread for light hooks (point hooks and after-scan hooks, in order);
- heavy hooks in a local process pool (spawn context), or, with a Dask scheduler address, on that
  cluster through ``dask.distributed.Client``; a few dispatch threads wait for their results.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any, TypeVar

log = logging.getLogger("gda_bridge.analysis")

T = TypeVar("T")


class Executors:
    """The analysis executors of one collector; ``wait_idle`` waits for everything submitted."""

    def __init__(
        self,
        *,
        dask_scheduler: str | None = None,
        process_workers: int = 2,
        mp_context: str = "spawn",
        dask_timeout: float = 10.0,
    ) -> None:
        self.dask_scheduler = dask_scheduler
        self._process_workers = process_workers
        self._mp_context = mp_context
        self._dask_timeout = dask_timeout
        self._processing = ThreadPoolExecutor(1, thread_name_prefix="gda-analysis")
        self._light = ThreadPoolExecutor(1, thread_name_prefix="gda-analysis-hooks")
        self._dispatch = ThreadPoolExecutor(4, thread_name_prefix="gda-analysis-heavy")
        self._pool: ProcessPoolExecutor | None = None
        self._client: Any = None
        self._client_address: str | None = None
        self._lock = threading.Lock()
        self._idle = threading.Condition()
        self._pending: set[Future[Any]] = set()
        self._closed = False

    def _track(self, fut: Future[T]) -> Future[T]:
        with self._idle:
            self._pending.add(fut)
        fut.add_done_callback(self._untrack)
        return fut

    def _untrack(self, fut: Future[Any]) -> None:
        with self._idle:
            self._pending.discard(fut)
            self._idle.notify_all()

    def processing(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        return self._track(self._processing.submit(fn, *args))

    def light(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        return self._track(self._light.submit(fn, *args))

    def dispatch(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        """Run ``fn`` on a dispatch thread; it may block in ``run_heavy``."""
        return self._track(self._dispatch.submit(fn, *args))

    def run_heavy(self, fn: Callable[..., T], *args: Any, dask_scheduler: str | None = None) -> T:
        """Run the picklable ``fn(*args)`` in another process and return its result; call from a
        dispatch thread. With a scheduler address (this call's, else the one given at construction)
        it runs on that Dask cluster, else in the local process pool."""
        address = dask_scheduler or self.dask_scheduler
        if address:
            client = self._dask_client(address)
            return client.submit(fn, *args, pure=False).result()
        return self._process_pool().submit(fn, *args).result()

    def _process_pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                ctx = multiprocessing.get_context(self._mp_context)
                self._pool = ProcessPoolExecutor(self._process_workers, mp_context=ctx)
            return self._pool

    def _dask_client(self, address: str) -> Any:
        with self._lock:
            if self._client is not None and self._client_address != address:
                self._client.close()
                self._client = None
            if self._client is None:
                from distributed import Client

                log.info("connecting to the Dask scheduler at %s", address)
                self._client = Client(address, timeout=self._dask_timeout, set_as_default=False)
                self._client_address = address
            return self._client

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until all submitted work (and work it submitted) has finished; False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._idle:
            while self._pending:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def close(self) -> None:
        """Finish what was submitted, then stop the threads, the process pool and the Dask client."""
        if self._closed:
            return
        self._closed = True
        self._processing.shutdown(wait=True)
        self._light.shutdown(wait=True)
        self._dispatch.shutdown(wait=True)
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None
            if self._client is not None:
                self._client.close()
                self._client = None
