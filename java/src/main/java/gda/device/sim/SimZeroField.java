package gda.device.sim;

import gda.device.DeviceException;
import gda.device.scannable.ScannableBase;

/**
 * A scannable with no fields (GDA's ZeroInputExtraFieldsDummyPD): it only takes part in a scan
 * through its hooks. Its position is null and it formats as {@code "name : ---"}.
 */
public class SimZeroField extends ScannableBase {
    public SimZeroField(String name) {
        super(name);
        setInputNames(NO_NAMES);
        setExtraNames(NO_NAMES);
        setOutputFormat(NO_NAMES);
    }

    @Override
    public Object rawGetPosition() {
        return null;
    }

    @Override
    public void rawAsynchronousMoveTo(Object internalPosition) throws DeviceException {
        if (internalPosition != null) {
            throw new DeviceException(getName() + " has no fields and cannot be moved to "
                    + describe(internalPosition));
        }
    }
}
