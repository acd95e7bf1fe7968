package gda.testing;

import gda.device.DetectorStatus;
import gda.device.DeviceException;
import gda.device.detector.DetectorBase;

/** An instant detector that logs every call; readout returns 10 * (number of collections). */
public class RecordingDetector extends DetectorBase {
    private final CallLog log;
    private int collections;

    public RecordingDetector(String name, CallLog log) {
        super(name);
        this.log = log;
    }

    @Override
    public void setCollectionTime(double seconds) throws DeviceException {
        log.add(getName() + ".setCollectionTime(" + seconds + ")");
        super.setCollectionTime(seconds);
    }

    @Override
    public synchronized void collectData() {
        log.add(getName() + ".collectData");
        collections++;
    }

    @Override
    public DetectorStatus getStatus() {
        return DetectorStatus.IDLE;
    }

    @Override
    public void waitWhileBusy() {
        log.add(getName() + ".waitWhileBusy");
    }

    @Override
    public synchronized Object readout() {
        log.add(getName() + ".readout");
        return 10.0 * collections;
    }

    @Override
    public void prepareForCollection() {
        log.add(getName() + ".prepareForCollection");
    }

    @Override
    public void endCollection() {
        log.add(getName() + ".endCollection");
    }

    @Override
    public void stop() {
        log.add(getName() + ".stop");
    }

    @Override
    public void atScanStart() {
        log.add(getName() + ".atScanStart");
    }

    @Override
    public void atScanEnd() {
        log.add(getName() + ".atScanEnd");
    }

    @Override
    public void atScanLineStart() {
        log.add(getName() + ".atScanLineStart");
    }

    @Override
    public void atScanLineEnd() {
        log.add(getName() + ".atScanLineEnd");
    }

    @Override
    public void atPointStart() {
        log.add(getName() + ".atPointStart");
    }

    @Override
    public void atPointEnd() {
        log.add(getName() + ".atPointEnd");
    }

    @Override
    public void atLevelStart() {
        log.add(getName() + ".atLevelStart");
    }

    @Override
    public void atLevelMoveStart() {
        log.add(getName() + ".atLevelMoveStart");
    }

    @Override
    public void atLevelEnd() {
        log.add(getName() + ".atLevelEnd");
    }

    @Override
    public void atCommandFailure() {
        log.add(getName() + ".atCommandFailure");
    }
}
