package gda.device.sim;

import gda.device.DeviceException;
import gda.device.scannable.ScannableMotionBase;

/**
 * An instant two-input scannable with one extra field that reports the sum of the inputs; it
 * exercises multi-field positions ({@code double[]} start/stop/step, per-field limits).
 */
public class SimMultiField extends ScannableMotionBase {
    private final double[] inputs = new double[2];

    public SimMultiField(String name) {
        this(name, "a", "b", "sum");
    }

    public SimMultiField(String name, String input1, String input2, String extra) {
        super(name);
        setInputNames(new String[] {input1, input2});
        setExtraNames(new String[] {extra});
        setOutputFormat(new String[] {"%5.5g", "%5.5g", "%5.5g"});
    }

    @Override
    public synchronized Object rawGetPosition() {
        return new double[] {inputs[0], inputs[1], inputs[0] + inputs[1]};
    }

    @Override
    public void rawAsynchronousMoveTo(Object internalPosition) throws DeviceException {
        double[] values = numericPosition(internalPosition);
        if (values.length < 2) {
            throw new DeviceException(getName() + ": expects 2 values, got " + describe(internalPosition));
        }
        synchronized (this) {
            inputs[0] = values[0];
            inputs[1] = values[1];
        }
    }
}
