package gda.device.scannable;

import gda.device.DeviceException;

/**
 * GDA's DummyScannable: an instant soft scannable that holds the value it was last moved to.
 * Scripts import it by this name.
 */
public class DummyScannable extends ScannableMotionBase {
    private volatile Object value = 0.0;

    public DummyScannable() {
    }

    public DummyScannable(String name) {
        this(name, 0.0);
    }

    public DummyScannable(String name, double initialPosition) {
        super(name);
        setInputNames(new String[] {name});
        value = initialPosition;
    }

    @Override
    public Object rawGetPosition() {
        return value;
    }

    @Override
    public void rawAsynchronousMoveTo(Object internalPosition) throws DeviceException {
        if (internalPosition instanceof Number n) {
            value = n.doubleValue();
        } else if (internalPosition != null && isNumeric(internalPosition)) {
            value = normalise(internalPosition);
        } else {
            value = internalPosition;
        }
    }
}
