package gda.testing;

import gda.device.ContinuousLine;
import gda.device.DeviceException;
import gda.device.scannable.ScannableBase;

/**
 * A continuous line whose bins are captured when the test says so ({@link #release}); by
 * default every bin is captured as soon as the line starts. Bin k's captured position is its
 * demand + 0.001 (so a test can tell a capture from a demand). Logs every call.
 */
public class FakeLine extends ScannableBase implements ContinuousLine {
    private final CallLog log;
    private double[] demands = new double[0];
    private int captured;
    private int releaseOnStart = Integer.MAX_VALUE;
    private boolean running;
    private boolean stopped;
    private boolean waiting;
    private String refusal;
    private DeviceException failAfterRelease;

    public FakeLine(String name, CallLog log) {
        setName(name);
        setInputNames(new String[] {name});
        this.log = log;
    }

    /** Captures only this many bins at start; the rest wait for {@link #release}. */
    public synchronized FakeLine capturingAtStart(int bins) {
        releaseOnStart = bins;
        return this;
    }

    public synchronized FakeLine refusing(String reason) {
        refusal = reason;
        return this;
    }

    /** waitForBins throws this once the bins released so far are captured and more are wanted. */
    public synchronized FakeLine failingWith(DeviceException e) {
        failAfterRelease = e;
        return this;
    }

    public synchronized void release(int bins) {
        captured = Math.min(demands.length, captured + bins);
        notifyAll();
    }

    /** Waits until the scan thread is waiting for bins. */
    public synchronized void awaitWaiting(long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (!waiting && System.currentTimeMillis() < end) {
            wait(Math.max(1, end - System.currentTimeMillis()));
        }
        if (!waiting) {
            throw new IllegalStateException(getName() + ": the scan never waited for bins");
        }
    }

    public synchronized int captured() {
        return captured;
    }

    @Override
    public String checkLineValid(double[] demands, double secondsPerBin) {
        log.add(getName() + ".checkLineValid(" + demands.length + ", " + secondsPerBin + ")");
        return refusal;
    }

    @Override
    public synchronized void prepareLine(double[] demands, double secondsPerBin) {
        log.add(getName() + ".prepareLine");
        this.demands = demands.clone();
        captured = 0;
        stopped = false;
    }

    @Override
    public synchronized void startLine() {
        log.add(getName() + ".startLine");
        running = true;
        captured = Math.min(demands.length, releaseOnStart);
        notifyAll();
    }

    @Override
    public synchronized int waitForBins(int wanted) throws DeviceException, InterruptedException {
        log.add(getName() + ".waitForBins(" + wanted + ")");
        waiting = true;
        notifyAll();
        try {
            while (captured < wanted && !stopped) {
                if (failAfterRelease != null) {
                    throw failAfterRelease;
                }
                wait();
            }
        } finally {
            waiting = false;
        }
        return captured;
    }

    @Override
    public synchronized int getBinsCaptured() {
        return captured;
    }

    @Override
    public synchronized Object[] readBins(int from, int to) {
        log.add(getName() + ".readBins(" + from + ", " + to + ")");
        Object[] out = new Object[to - from];
        for (int k = from; k < to; k++) {
            out[k - from] = demands[k] + 0.001;
        }
        return out;
    }

    @Override
    public synchronized void completeLine() {
        log.add(getName() + ".completeLine");
        running = false;
    }

    @Override
    public synchronized void stop() {
        log.add(getName() + ".stop");
        stopped = true;
        running = false;
        notifyAll();
    }

    public synchronized boolean isRunning() {
        return running;
    }

    @Override
    public Object getPosition() {
        return demands.length == 0 ? 0.0 : demands[Math.max(0, captured - 1)];
    }

    @Override
    public void asynchronousMoveTo(Object position) {
        throw new UnsupportedOperationException(getName() + " moves only as a line");
    }

    @Override
    public boolean isBusy() {
        return false;
    }
}
