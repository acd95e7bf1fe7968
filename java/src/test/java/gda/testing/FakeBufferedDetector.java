package gda.testing;

import gda.device.BufferedDetector;
import gda.device.DetectorStatus;
import gda.device.detector.DetectorBase;

/** A buffered detector whose frames are the bins its line has captured; frame k reads 100 + k. */
public class FakeBufferedDetector extends DetectorBase implements BufferedDetector {
    private final CallLog log;
    private final FakeLine line;

    public FakeBufferedDetector(String name, CallLog log, FakeLine line) {
        super(name);
        this.log = log;
        this.line = line;
    }

    @Override
    public void prepareForLine(int frames, double secondsPerBin) {
        log.add(getName() + ".prepareForLine(" + frames + ", " + secondsPerBin + ")");
    }

    @Override
    public int waitForFrames(int wanted) {
        log.add(getName() + ".waitForFrames(" + wanted + ")");
        return Math.min(wanted, line.captured());
    }

    @Override
    public int getFramesReadable() {
        return line.captured();
    }

    @Override
    public Object[] readFrames(int from, int to) {
        log.add(getName() + ".readFrames(" + from + ", " + to + ")");
        Object[] out = new Object[to - from];
        for (int k = from; k < to; k++) {
            out[k - from] = 100.0 + k;
        }
        return out;
    }

    @Override
    public void collectData() {
        throw new IllegalStateException(getName() + ": collectData in a continuous scan");
    }

    @Override
    public DetectorStatus getStatus() {
        return DetectorStatus.IDLE;
    }

    @Override
    public Object readout() {
        throw new IllegalStateException(getName() + ": readout in a continuous scan");
    }

    @Override
    public void stop() {
        log.add(getName() + ".stop");
    }
}
