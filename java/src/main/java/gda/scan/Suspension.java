package gda.scan;

import gda.device.DeviceException;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Holds a scan before its next point while something outside it says it must wait (beam lost, a
 * device's IOC gone), and tells the scan to retake a point during which that happened.
 *
 * <p>{@link #suspend} and {@link #resume} come from any thread (the watchers of the conditions);
 * the rest runs on the scan thread. Waiting is on a condition variable: no polling. A suspension
 * that lasts longer than its limit ends the scan with a DeviceException naming the limit and the
 * reason. Listeners hear of each suspension once ({@code scanSuspended}, then {@code scanResumed}).
 */
final class Suspension {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean active;
    private String reason = "";
    private long startMillis;
    private long endMillis;
    private double limitSeconds;
    private int count;
    private double graceSeconds;
    // scan thread only
    private int announced;
    private boolean open;

    /** Suspend (or update the reason and limit of the current suspension); limit <= 0: none. */
    void suspend(String why, double limit) {
        lock.lock();
        try {
            if (!active) {
                active = true;
                count++;
                startMillis = System.currentTimeMillis();
            }
            reason = why == null ? "" : why;
            limitSeconds = limit;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void resume() {
        lock.lock();
        try {
            if (active) {
                active = false;
                endMillis = System.currentTimeMillis();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wake the scan thread so that it re-reads the scan's own flags (finish early). */
    void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean isActive() {
        return active;
    }

    /** How long a failing point waits for a suspension that would explain the failure. */
    void setGrace(double seconds) {
        graceSeconds = Math.max(0.0, seconds);
    }

    /**
     * Before (re)taking a point: announces any suspension not yet announced and waits until none
     * is on. Returns the number of suspensions so far (for {@link #spoiled}), or -1 if the scan
     * should finish early.
     */
    int hold(ConcurrentScan scan, int point, List<ScanListener> listeners, BooleanSupplier finishEarly)
            throws Exception {
        while (true) {
            boolean on;
            int n;
            String why;
            long start;
            long end;
            lock.lockInterruptibly();
            try {
                on = active;
                n = count;
                why = reason;
                start = startMillis;
                end = endMillis;
            } finally {
                lock.unlock();
            }
            if (n != announced) {
                if (open) {
                    for (ScanListener l : listeners) {
                        l.scanResumed(scan, point, end);
                    }
                }
                for (ScanListener l : listeners) {
                    l.scanSuspended(scan, point, why, start);
                }
                announced = n;
                open = true;
            }
            if (!on) {
                if (open) {
                    for (ScanListener l : listeners) {
                        l.scanResumed(scan, point, end);
                    }
                    open = false;
                }
                return n;
            }
            if (finishEarly.getAsBoolean()) {
                return -1;
            }
            awaitChange(n, finishEarly);
        }
    }

    private void awaitChange(int n, BooleanSupplier finishEarly) throws Exception {
        lock.lockInterruptibly();
        try {
            while (active && count == n && !finishEarly.getAsBoolean()) {
                if (limitSeconds <= 0) {
                    changed.await();
                    continue;
                }
                long left = startMillis + (long) (limitSeconds * 1000) - System.currentTimeMillis();
                if (left <= 0) {
                    throw new DeviceException("scan suspended for longer than its limit of "
                            + BigDecimal.valueOf(limitSeconds).stripTrailingZeros().toPlainString() + " s: " + reason);
                }
                changed.await(left, TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    /** After a point: true if a suspension began since {@link #hold} returned {@code seen}, or is on. */
    boolean spoiled(int seen) {
        lock.lock();
        try {
            return active || count != seen;
        } finally {
            lock.unlock();
        }
    }

    /** A point failed: true if a suspension began since {@code seen} or begins within the grace time. */
    boolean explains(int seen) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            long left = (long) (graceSeconds * 1e9);
            while (!active && count == seen) {
                if (left <= 0) {
                    return false;
                }
                left = changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
