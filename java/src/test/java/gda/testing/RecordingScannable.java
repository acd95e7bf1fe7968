package gda.testing;

import gda.device.DeviceException;
import gda.device.scannable.ScannableBase;
import java.util.function.Predicate;

/** An instant scannable that logs every call as "name.method" (moves as "name.move(pos)"). */
public class RecordingScannable extends ScannableBase {
    protected final CallLog log;
    private volatile Object value = 0.0;
    private volatile Predicate<Object> failMoveWhen = p -> false;

    public RecordingScannable(String name, CallLog log) {
        this(name, 5, log);
    }

    public RecordingScannable(String name, int level, CallLog log) {
        super(name);
        this.log = log;
        setInputNames(new String[] {name});
        setLevel(level);
    }

    /** Makes asynchronousMoveTo throw a DeviceException for the matching targets. */
    public void failMoveWhen(Predicate<Object> condition) {
        failMoveWhen = condition;
    }

    @Override
    public Object rawGetPosition() {
        log.add(getName() + ".getPosition");
        return value;
    }

    @Override
    public void rawAsynchronousMoveTo(Object position) throws DeviceException {
        log.add(getName() + ".move(" + describe(position) + ")");
        if (failMoveWhen.test(position)) {
            throw new DeviceException(getName() + ": simulated failure moving to " + describe(position));
        }
        value = position;
    }

    @Override
    public void waitWhileBusy() {
        log.add(getName() + ".waitWhileBusy");
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
