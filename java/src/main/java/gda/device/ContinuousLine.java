package gda.device;

/**
 * A scannable that takes a whole line of points in one motion, its own triggers marking the
 * bins: the innermost dimension of a continuous scan (GDA's ContinuousScan idea; a motor with a
 * position-compare box, say). The engine calls, per line: {@link #prepareLine} (to the run-up
 * start, triggers armed), {@link #startLine}, {@link #waitForBins} until every bin is in,
 * {@link #completeLine}, then {@link #readBins}. {@link #stop()} (from any thread) ends the motion
 * at once; afterwards the bins captured so far stay readable.
 */
public interface ContinuousLine extends Scannable {
    /**
     * Checks a whole line before anything moves: every demand and the run-up and run-down
     * beyond them against the limits, and the speed the line needs.
     *
     * @return null if the line can be taken, else the reason (naming the device, value and limit)
     */
    String checkLineValid(double[] demands, double secondsPerBin) throws DeviceException;

    /** Goes to the run-up start and arms the triggers for {@code demands}; returns when ready to start. */
    void prepareLine(double[] demands, double secondsPerBin) throws DeviceException;

    /** Starts the motion and returns at once. */
    void startLine() throws DeviceException;

    /**
     * Waits until {@code wanted} bins have been captured or the line has ended (stopped, or at
     * its end with fewer triggers); the device bounds the wait by its motion's own duration and
     * throws, naming what it waited for, if the motion failed or took too long.
     *
     * @return the number of bins captured
     */
    int waitForBins(int wanted) throws DeviceException, InterruptedException;

    /** The number of bins captured so far, without waiting. */
    int getBinsCaptured() throws DeviceException;

    /** The positions captured at bins {@code from} (included) to {@code to} (excluded). */
    Object[] readBins(int from, int to) throws DeviceException;

    /** Waits for the end of the motion (the run-down) and disarms the triggers. */
    void completeLine() throws DeviceException;
}
