"""The JVM starts lazily, perhaps first on a helper thread (a console's scan thread, a device
callback). Ctrl-C must still reach Python's main thread when it waits in Java: this module starts
the JVM off the main thread (unless an earlier test started it), then a scan held by a suspender
on the main thread must end on Ctrl-C."""

from __future__ import annotations

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


def test_ctrl_c_ends_a_held_scan_after_the_jvm_started_on_another_thread(ctx, documents):  # noqa: ANN001
    starter = threading.Thread(target=ensure_jvm)
    starter.start()
    starter.join(60)
    beam = install_suspender(Suspender("beam"), ctx)

    def control(doc: object) -> None:
        if isinstance(doc, ScanSuspended):
            threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT)).start()

    ctx.stream.subscribe(control)
    beam.trip("beam lost")
    with pytest.raises(KeyboardInterrupt):
        scan(SimMotor("x", speed=1000.0), 0, 4, 1)
    assert documents[-1].status is ScanStatus.COMPLETED_AFTER_STOP
