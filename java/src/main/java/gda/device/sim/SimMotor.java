package gda.device.sim;

import gda.device.DeviceException;
import gda.device.scannable.ScannableMotionBase;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A simulated motor that takes real time to move: {@code |target - position| / speed} seconds.
 * A speed {@code <= 0} or infinite moves instantly. The end of a move is timed by a shared daemon
 * scheduler and {@link #waitWhileBusy()} waits on a Condition signalled at that moment (or by
 * {@link #stop()}), so nothing polls. While moving, {@link #getPosition()} interpolates linearly.
 */
public class SimMotor extends ScannableMotionBase {
    /** Told when a move starts, ends at its target, or is stopped part-way. */
    public interface MotionListener {
        void moveStarted(SimMotor motor, double from, double to);

        void moveEnded(SimMotor motor, double position, boolean stopped);
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private final CopyOnWriteArrayList<MotionListener> listeners = new CopyOnWriteArrayList<>();

    private volatile double speed;
    private double position;
    private double from;
    private double target;
    private long startNanos;
    private long durationNanos;
    private volatile boolean moving;
    private long generation;
    private ScheduledFuture<?> completion;

    public SimMotor(String name) {
        this(name, 0.0, Double.POSITIVE_INFINITY);
    }

    public SimMotor(String name, double initialPosition, double speed) {
        super(name);
        setInputNames(new String[] {name});
        this.position = initialPosition;
        this.speed = speed;
    }

    public double getSpeed() {
        return speed;
    }

    /** Units per second; {@code <= 0} or infinite means instant moves. */
    public void setSpeed(double speed) {
        this.speed = speed;
    }

    public void addMotionListener(MotionListener listener) {
        listeners.add(listener);
    }

    public void removeMotionListener(MotionListener listener) {
        listeners.remove(listener);
    }

    @Override
    public Object rawGetPosition() {
        lock.lock();
        try {
            return currentPositionLocked();
        } finally {
            lock.unlock();
        }
    }

    private double currentPositionLocked() {
        if (!moving) {
            return position;
        }
        double fraction = (System.nanoTime() - startNanos) / (double) durationNanos;
        if (fraction >= 1.0) {
            return target;
        }
        return from + (target - from) * Math.max(0.0, fraction);
    }

    @Override
    public void rawAsynchronousMoveTo(Object internalPosition) throws DeviceException {
        double[] values = numericPosition(internalPosition);
        if (values.length != 1) {
            throw new DeviceException(getName() + ": expects one value, got " + describe(internalPosition));
        }
        double to = values[0];
        double start;
        boolean instant;
        lock.lock();
        try {
            start = currentPositionLocked();
            cancelLocked();
            double v = speed;
            double seconds = (v <= 0 || Double.isInfinite(v) || Double.isNaN(v)) ? 0.0 : Math.abs(to - start) / v;
            long nanos = SimScheduler.toNanos(seconds);
            instant = nanos == 0;
            if (instant) {
                position = to;
            } else {
                from = start;
                target = to;
                startNanos = System.nanoTime();
                durationNanos = nanos;
                moving = true;
                long myGeneration = ++generation;
                completion = SimScheduler.after(nanos, () -> finish(myGeneration));
            }
        } finally {
            lock.unlock();
        }
        for (MotionListener l : listeners) {
            l.moveStarted(this, start, to);
        }
        if (instant) {
            for (MotionListener l : listeners) {
                l.moveEnded(this, to, false);
            }
        }
    }

    private void finish(long myGeneration) {
        double end;
        lock.lock();
        try {
            if (!moving || generation != myGeneration) {
                return;
            }
            position = target;
            end = position;
            moving = false;
            completion = null;
            idle.signalAll();
        } finally {
            lock.unlock();
        }
        for (MotionListener l : listeners) {
            l.moveEnded(this, end, false);
        }
    }

    /** Cancels a move in progress, leaving the motor where it is now. Lock held. */
    private boolean cancelLocked() {
        if (!moving) {
            return false;
        }
        position = currentPositionLocked();
        moving = false;
        generation++;
        if (completion != null) {
            completion.cancel(false);
            completion = null;
        }
        idle.signalAll();
        return true;
    }

    /** Halts the motor where it is; a waiting {@link #waitWhileBusy()} returns. */
    @Override
    public void stop() {
        boolean stopped;
        double at;
        lock.lock();
        try {
            stopped = cancelLocked();
            at = position;
        } finally {
            lock.unlock();
        }
        if (stopped) {
            for (MotionListener l : listeners) {
                l.moveEnded(this, at, true);
            }
        }
    }

    @Override
    public boolean isBusy() {
        return moving;
    }

    @Override
    public void waitWhileBusy() throws InterruptedException {
        if (!moving) {
            if (Thread.interrupted()) {
                throw new InterruptedException(getName() + ": interrupted");
            }
            return;
        }
        lock.lockInterruptibly();
        try {
            while (moving) {
                idle.await();
            }
        } finally {
            lock.unlock();
        }
    }
}
