package gda.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;

import gda.scan.ConcurrentScan;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** Runs a scan on a thread of its own, so a test can pause, abort or interrupt it. */
public final class ScanRunner {
    private final Thread thread;
    private final AtomicReference<Throwable> thrown = new AtomicReference<>();
    private final AtomicBoolean interruptFlagAfter = new AtomicBoolean();

    public ScanRunner(ConcurrentScan scan) {
        thread = new Thread(() -> {
            try {
                scan.run();
            } catch (Throwable t) {
                thrown.set(t);
            }
            interruptFlagAfter.set(Thread.currentThread().isInterrupted());
        }, "test-scan");
        thread.setDaemon(true);
        thread.start();
    }

    public Thread thread() {
        return thread;
    }

    /** Waits for the end (at most 10 s) and returns what run() threw, or null. */
    public Throwable join() throws InterruptedException {
        thread.join(10_000);
        assertFalse(thread.isAlive(), "scan did not end within 10 s");
        return thrown.get();
    }

    /** The scan thread's interrupt flag just after run() returned. */
    public boolean interruptFlagLeftSet() {
        return interruptFlagAfter.get();
    }
}
