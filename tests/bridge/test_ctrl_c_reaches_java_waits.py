"""Ctrl-C must reach Python's main thread while it waits in Java (a scan held by a suspender),
whatever happened since the JVM started: it may have started lazily on a helper thread (a
console's scan thread, a device callback), and anything that ran ``asyncio.run`` since (nbclient,
prompt_toolkit, a user's own code) has put Python's C handler back in place of the JVM's."""

from __future__ import annotations

import asyncio
import os
import signal
import threading

import pytest

from gda_bridge.bridge import ensure_jvm
from gda_bridge.commands import scan
from gda_bridge.core.documents import ScanStatus, ScanSuspended
from gda_bridge.core.suspenders import Suspender
from gda_bridge.devices.sim import SimMotor
from gda_bridge.scans.suspension import install_suspender


def held_scan_ends_on_ctrl_c(ctx, documents) -> None:  # noqa: ANN001
    beam = install_suspender(Suspender("beam"), ctx)

    def control(doc: object) -> None:
        if isinstance(doc, ScanSuspended):
            threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT)).start()

    ctx.stream.subscribe(control)
    beam.trip("beam lost")
    backstop = threading.Timer(20, beam.clear)  # a Ctrl-C that never arrives fails, not hangs
    backstop.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            scan(SimMotor("x", speed=1000.0), 0, 4, 1)
    finally:
        backstop.cancel()
    assert documents[-1].status is ScanStatus.COMPLETED_AFTER_STOP


def test_ctrl_c_ends_a_held_scan_after_the_jvm_started_on_another_thread(ctx, documents):  # noqa: ANN001
    starter = threading.Thread(target=ensure_jvm)
    starter.start()
    starter.join(60)
    held_scan_ends_on_ctrl_c(ctx, documents)


def test_ctrl_c_ends_a_held_scan_after_asyncio_run_restored_pythons_handler(ctx, documents):  # noqa: ANN001
    ensure_jvm()
    asyncio.run(asyncio.sleep(0))  # its SIGINT handling ends by reinstalling Python's C handler
    held_scan_ends_on_ctrl_c(ctx, documents)

