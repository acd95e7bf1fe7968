package gda.scan;

import gda.device.Detector;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reads every detector of a point: the first on the scan thread, the others at the same time on
 * a shared pool of daemon threads (or all on the scan thread when parallel readout is off).
 * Handing a readout to another thread costs ~10-20 µs per point, and a Python detector called
 * from another Java thread costs more than from the calling thread (and holds the GIL), so serial
 * readout is better when every readout is quick.
 */
final class ParallelReadout {
    private static final ExecutorService POOL = Executors.newCachedThreadPool(new DaemonFactory());

    private final ScanRole[] detectors;
    private final ReadoutTask[] tasks;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition done = lock.newCondition();
    private int pending;

    ParallelReadout(ScanRole[] detectors) {
        this.detectors = detectors;
        this.tasks = new ReadoutTask[Math.max(0, detectors.length - 1)];
        for (int k = 0; k < tasks.length; k++) {
            tasks[k] = new ReadoutTask(detectors[k + 1]);
        }
    }

    /**
     * Puts each detector's readout() into {@code positions[slot]}, and when it started and ended
     * into {@code marks}' readoutStart/readoutEnd; throws the first failure.
     */
    void read(Object[] positions, boolean parallel, ScanMarks marks) throws Exception {
        if (detectors.length == 0) {
            return;
        }
        if (!parallel) {
            for (ScanRole r : detectors) {
                marks.readoutStart[r.slot] = marks.now();
                positions[r.slot] = ((Detector) r.device).readout();
                marks.readoutEnd[r.slot] = marks.now();
            }
            return;
        }
        if (tasks.length > 0) {
            lock.lock();
            try {
                pending = tasks.length;
            } finally {
                lock.unlock();
            }
            for (ReadoutTask task : tasks) {
                task.result = null;
                task.error = null;
                task.marks = marks;
                POOL.execute(task);
            }
        }
        Throwable first = null;
        int slot = detectors[0].slot;
        marks.readoutStart[slot] = marks.now();
        try {
            positions[slot] = ((Detector) detectors[0].device).readout();
        } catch (Throwable t) {
            first = t;
        }
        marks.readoutEnd[slot] = marks.now();
        if (tasks.length > 0) {
            first = collectTasks(positions, first);
        }
        if (first instanceof Exception e) {
            throw e;
        }
        if (first instanceof Error e) {
            throw e;
        }
    }

    private Throwable collectTasks(Object[] positions, Throwable first) throws InterruptedException {
        lock.lock();
        try {
            while (pending > 0) {
                done.await();
            }
        } catch (InterruptedException e) {
            for (ReadoutTask task : tasks) {
                Thread runner = task.runner;
                if (runner != null) {
                    runner.interrupt();
                }
            }
            if (first != null) {
                e.addSuppressed(first);
            }
            throw e;
        } finally {
            lock.unlock();
        }
        for (ReadoutTask task : tasks) {
            if (task.error != null) {
                if (first == null) {
                    first = task.error;
                } else {
                    first.addSuppressed(task.error);
                }
            } else {
                positions[task.role.slot] = task.result;
            }
        }
        return first;
    }

    /** A reusable readout of one detector; results are published through the lock. */
    private final class ReadoutTask implements Runnable {
        final ScanRole role;
        volatile Thread runner;
        Object result;
        Throwable error;
        ScanMarks marks;

        ReadoutTask(ScanRole role) {
            this.role = role;
        }

        @Override
        public void run() {
            runner = Thread.currentThread();
            Object value = null;
            Throwable failed = null;
            long started = marks.now();
            try {
                value = ((Detector) role.device).readout();
            } catch (Throwable t) {
                failed = t;
            } finally {
                runner = null;
            }
            long ended = marks.now();
            lock.lock();
            try {
                result = value;
                error = failed;
                marks.readoutStart[role.slot] = started;
                marks.readoutEnd[role.slot] = ended;
                pending--;
                if (pending == 0) {
                    done.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private static final class DaemonFactory implements java.util.concurrent.ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "gda-scan-readout-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
