package gda.device;

/**
 * A detector that keeps one value per trigger of a continuous line in its own buffer (a
 * multi-channel scaler, a camera writing its own file) and is read once the bins are in.
 * {@link #stop()} ends an acquisition early; the frames taken stay readable.
 */
public interface BufferedDetector extends Detector {
    /** Arms the detector for {@code frames} external triggers of {@code secondsPerBin} each. */
    void prepareForLine(int frames, double secondsPerBin) throws DeviceException;

    /**
     * Waits until {@code wanted} frames are readable or the acquisition has ended; the device
     * bounds the wait itself and throws, naming what it waited for, when it takes too long.
     *
     * @return the number of frames readable
     */
    int waitForFrames(int wanted) throws DeviceException, InterruptedException;

    /** The number of frames readable now, without waiting. */
    int getFramesReadable() throws DeviceException;

    /** One value per frame {@code from} (included) to {@code to} (excluded), as readout() would give it. */
    Object[] readFrames(int from, int to) throws DeviceException;
}
