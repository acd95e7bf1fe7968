package gda.device.scannable;

import gda.device.DeviceException;
import gda.device.Scannable;
import java.lang.reflect.Array;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * GDA's ScannableBase: the defaults and manners every Scannable shares.
 *
 * <p>Defaults are GDA's: level 5, inputNames {@code ["value"]}, extraNames {@code []}, outputFormat
 * {@code ["%5.5g"]}. {@link #getPosition()} is {@code internalToExternal(rawGetPosition())} and
 * {@link #asynchronousMoveTo(Object)} is {@code rawAsynchronousMoveTo(externalToInternal(p))}, both
 * checking the length of the position. Hooks are no-ops. {@link #waitWhileBusy()} falls back to
 * polling {@link #isBusy()} with a short adaptive back-off; devices that can wait on an event
 * override it.
 */
public abstract class ScannableBase implements Scannable {
    /** GDA's default input name, shown without a field label by {@link #toFormattedString()}. */
    public static final String DEFAULT_INPUT_NAME = "value";
    /** Shown in place of a position that could not be read. */
    public static final String VALUE_UNAVAILABLE = "UNAVAILABLE";

    /** An empty name array, for devices without inputs or extras. */
    protected static final String[] NO_NAMES = new String[0];
    private static final long FIRST_BACKOFF_NANOS = 20_000L;
    private static final long MAX_BACKOFF_NANOS = 5_000_000L;

    private volatile String name;
    private volatile String[] inputNames = {DEFAULT_INPUT_NAME};
    private volatile String[] extraNames = NO_NAMES;
    private volatile String[] outputFormat = {"%5.5g"};
    private volatile int level = 5;

    protected ScannableBase() {
    }

    protected ScannableBase(String name) {
        this.name = name;
    }

    // ---------------------------------------------------------------- bean properties

    @Override
    public String getName() {
        return name;
    }

    /**
     * Renames the device; a single input (or, with no inputs, a single extra) name that was the
     * old device name follows it, so columns stay named after the device.
     */
    @Override
    public void setName(String name) {
        String old = this.name;
        this.name = name;
        if (old != null && name != null) {
            if (inputNames.length == 1 && inputNames[0].equals(old)) {
                inputNames = new String[] {name};
            } else if (inputNames.length == 0 && extraNames.length == 1 && extraNames[0].equals(old)) {
                extraNames = new String[] {name};
            }
        }
    }

    @Override
    public String[] getInputNames() {
        return inputNames.clone();
    }

    @Override
    public void setInputNames(String[] names) {
        inputNames = names == null ? NO_NAMES : names.clone();
    }

    @Override
    public String[] getExtraNames() {
        return extraNames.clone();
    }

    @Override
    public void setExtraNames(String[] names) {
        extraNames = names == null ? NO_NAMES : names.clone();
    }

    @Override
    public String[] getOutputFormat() {
        return outputFormat.clone();
    }

    @Override
    public void setOutputFormat(String[] formats) {
        outputFormat = formats == null ? NO_NAMES : formats.clone();
    }

    @Override
    public int getLevel() {
        return level;
    }

    @Override
    public void setLevel(int level) {
        this.level = level;
    }

    /** Number of input plus extra fields, without copying the name arrays. */
    protected final int fieldCount() {
        return inputNames.length + extraNames.length;
    }

    protected final int inputCount() {
        return inputNames.length;
    }

    // ---------------------------------------------------------------- positions

    /** Reads the hardware position, in internal units. Override this or {@link #getPosition()}. */
    public Object rawGetPosition() throws DeviceException {
        throw new DeviceException(name + " must override rawGetPosition() or getPosition()");
    }

    /** Starts a move to an internal position. Override this or {@link #asynchronousMoveTo(Object)}. */
    public void rawAsynchronousMoveTo(Object internalPosition) throws DeviceException {
        throw new DeviceException(name + " cannot be moved (it does not override rawAsynchronousMoveTo)");
    }

    /** Converts a hardware position to the user's; the identity here. */
    public Object internalToExternal(Object internalPosition) {
        return internalPosition;
    }

    /** Converts a user position to the hardware's; the identity here. */
    public Object externalToInternal(Object externalPosition) {
        return externalPosition;
    }

    @Override
    public Object getPosition() throws DeviceException {
        Object position = internalToExternal(rawGetPosition());
        int expected = fieldCount();
        int got = positionLength(position);
        if (got != expected) {
            throw new DeviceException(name + ": getPosition returned " + got + " value(s) " + describe(position)
                    + " but it has " + expected + " input/extra name(s)");
        }
        return position;
    }

    @Override
    public void asynchronousMoveTo(Object position) throws DeviceException {
        String reason = checkPositionLength(position);
        if (reason != null) {
            throw new DeviceException(reason);
        }
        rawAsynchronousMoveTo(externalToInternal(position));
    }

    @Override
    public void moveTo(Object position) throws DeviceException, InterruptedException {
        asynchronousMoveTo(position);
        waitWhileBusy();
    }

    /** Null if a move target has as many values as input names (or input+extra names). */
    protected String checkPositionLength(Object position) {
        int got = positionLength(position);
        int inputs = inputNames.length;
        if (got == inputs || (got == fieldCount() && got > 0)) {
            return null;
        }
        return name + ": position " + describe(position) + " has " + got + " value(s) but " + name + " has "
                + inputs + " input name(s)";
    }

    @Override
    public String checkPositionValid(Object position) throws DeviceException {
        return checkPositionLength(position);
    }

    /** Instant devices are never busy; moving devices override this. */
    @Override
    public boolean isBusy() throws DeviceException {
        return false;
    }

    /**
     * Polls {@link #isBusy()} with a back-off growing from 20 µs to 5 ms: fast moves end quickly,
     * long ones cost little CPU. Devices that can be told of their completion override this.
     */
    @Override
    public void waitWhileBusy() throws DeviceException, InterruptedException {
        long pause = FIRST_BACKOFF_NANOS;
        while (isBusy()) {
            if (Thread.interrupted()) {
                throw new InterruptedException(name + ": interrupted while waiting for it to finish moving");
            }
            LockSupport.parkNanos(this, pause);
            pause = Math.min(pause * 2, MAX_BACKOFF_NANOS);
        }
        if (Thread.interrupted()) {
            throw new InterruptedException(name + ": interrupted while waiting for it to finish moving");
        }
    }

    @Override
    public void stop() throws DeviceException {
    }

    // ---------------------------------------------------------------- hooks (no-ops)

    @Override
    public void atScanStart() throws DeviceException {
    }

    @Override
    public void atScanEnd() throws DeviceException {
    }

    @Override
    public void atScanLineStart() throws DeviceException {
    }

    @Override
    public void atScanLineEnd() throws DeviceException {
    }

    @Override
    public void atPointStart() throws DeviceException {
    }

    @Override
    public void atPointEnd() throws DeviceException {
    }

    @Override
    public void atLevelStart() throws DeviceException {
    }

    @Override
    public void atLevelMoveStart() throws DeviceException {
    }

    @Override
    public void atLevelEnd() throws DeviceException {
    }

    @Override
    public void atCommandFailure() throws DeviceException {
    }

    // ---------------------------------------------------------------- formatting

    /**
     * GDA's terminal form: {@code "x : 1.2345"} for one field named after the device or "value",
     * {@code "name : f1: v1 f2: v2"} otherwise, {@code "name : ---"} with no fields.
     */
    @Override
    public String toFormattedString() {
        try {
            return formatPosition(this, getPosition(), null);
        } catch (DeviceException | RuntimeException e) {
            return name + " : " + VALUE_UNAVAILABLE;
        }
    }

    @Override
    public String toString() {
        return toFormattedString();
    }

    /**
     * Formats a position of {@code scannable} the GDA way. {@code suffixes} (may be null) holds a
     * string appended after each field's value, e.g. an offset "(+1.0000)".
     */
    public static String formatPosition(Scannable scannable, Object position, String[] suffixes) {
        String devName = scannable.getName();
        String[] inputs = scannable.getInputNames();
        String[] extras = scannable.getExtraNames();
        int fields = inputs.length + extras.length;
        if (fields == 0 && position == null) {
            return devName + " : ---";
        }
        String[] formats = scannable.getOutputFormat();
        Object[] values = toObjectArray(position);
        StringBuilder out = new StringBuilder(devName).append(" : ");
        boolean single = fields == 1 && values.length == 1
                && (inputs.length == 1 ? isPlainName(inputs[0], devName) : isPlainName(extras[0], devName));
        if (single) {
            out.append(formatValue(values[0], formatAt(formats, 0)));
            if (suffixes != null && suffixes.length > 0 && suffixes[0] != null) {
                out.append(suffixes[0]);
            }
            return out.toString();
        }
        for (int i = 0; i < values.length; i++) {
            String field = i < inputs.length ? inputs[i]
                    : i - inputs.length < extras.length ? extras[i - inputs.length] : "field" + i;
            out.append(field).append(": ").append(formatValue(values[i], formatAt(formats, i)));
            if (suffixes != null && i < suffixes.length && suffixes[i] != null) {
                out.append(suffixes[i]);
            }
            out.append(' ');
        }
        return out.toString().trim();
    }

    private static boolean isPlainName(String field, String devName) {
        return DEFAULT_INPUT_NAME.equals(field) || field.equals(devName);
    }

    private static String formatAt(String[] formats, int i) {
        if (formats == null || formats.length == 0) {
            return null;
        }
        return i < formats.length ? formats[i] : formats[0];
    }

    /** One value with a java.util.Formatter pattern, as GDA does; falls back to toString. */
    public static String formatValue(Object value, String format) {
        if (value == null) {
            return "None";
        }
        if (format == null) {
            return value.toString();
        }
        Object arg = value instanceof Number && !(value instanceof Double) ? Double.valueOf(((Number) value).doubleValue())
                : value;
        try {
            return String.format(format, arg);
        } catch (IllegalFormatException e) {
            return value.toString();
        }
    }

    // ---------------------------------------------------------------- position helpers

    /** Number of values in a position: 0 for null, the length of an array or list, else 1. */
    public static int positionLength(Object position) {
        if (position == null) {
            return 0;
        }
        if (position.getClass().isArray()) {
            return Array.getLength(position);
        }
        if (position instanceof List<?> list) {
            return list.size();
        }
        return 1;
    }

    /** A position as an Object[]: null gives {}, arrays and lists are unpacked, a scalar gives {p}. */
    public static Object[] toObjectArray(Object position) {
        if (position == null) {
            return new Object[0];
        }
        if (position instanceof Object[] array) {
            return array.clone();
        }
        if (position.getClass().isArray()) {
            int n = Array.getLength(position);
            Object[] out = new Object[n];
            for (int i = 0; i < n; i++) {
                out[i] = Array.get(position, i);
            }
            return out;
        }
        if (position instanceof List<?> list) {
            return list.toArray();
        }
        return new Object[] {position};
    }

    /** {@link #toDoubleArray} for a position given to this device: the error names the device. */
    protected double[] numericPosition(Object position) throws DeviceException {
        try {
            return toDoubleArray(position);
        } catch (IllegalArgumentException e) {
            throw new DeviceException(getName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A numeric position as a double[]; Numbers, numeric arrays and lists are accepted.
     *
     * @throws IllegalArgumentException naming the value that is not a number
     */
    public static double[] toDoubleArray(Object position) {
        if (position instanceof double[] d) {
            return d.clone();
        }
        if (position instanceof Number n) {
            return new double[] {n.doubleValue()};
        }
        Object[] values = toObjectArray(position);
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            if (!(values[i] instanceof Number n)) {
                throw new IllegalArgumentException("position " + describe(position) + " is not numeric ("
                        + describe(values[i]) + ")");
            }
            out[i] = n.doubleValue();
        }
        return out;
    }

    /** True if {@link #toDoubleArray(Object)} would succeed. */
    public static boolean isNumeric(Object position) {
        if (position instanceof Number || position instanceof double[]) {
            return true;
        }
        if (position == null || position instanceof String) {
            return false;
        }
        for (Object value : toObjectArray(position)) {
            if (!(value instanceof Number)) {
                return false;
            }
        }
        return true;
    }

    /** The position as a single Double if it has one value, else a double[]. */
    public static Object normalise(Object position) {
        if (position instanceof Double) {
            return position;
        }
        if (position instanceof Number n) {
            return n.doubleValue();
        }
        double[] values = toDoubleArray(position);
        return values.length == 1 ? Double.valueOf(values[0]) : values;
    }

    /** Readable form of a position for messages: 12.0, [1.0, 2.0], 'Open', None. */
    public static String describe(Object position) {
        if (position == null) {
            return "None";
        }
        if (position instanceof String s) {
            return "'" + s + "'";
        }
        if (position.getClass().isArray() || position instanceof List) {
            Object[] values = toObjectArray(position);
            StringBuilder out = new StringBuilder("[");
            for (int i = 0; i < values.length; i++) {
                out.append(i == 0 ? "" : ", ").append(describe(values[i]));
            }
            return out.append(']').toString();
        }
        return position.toString();
    }
}
