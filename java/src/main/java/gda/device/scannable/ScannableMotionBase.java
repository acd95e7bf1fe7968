package gda.device.scannable;

import gda.device.DeviceException;
import gda.device.ScannableMotion;
import gda.observable.IObservable;
import gda.observable.IObserver;
import gda.observable.ObservableComponent;
import java.util.Arrays;

/**
 * GDA's ScannableMotionBase: a Scannable with limits, offset, scaling factor, tolerance and retries.
 *
 * <p>Subclasses implement {@link #rawGetPosition()} and {@link #rawAsynchronousMoveTo(Object)} in
 * internal (hardware) units. The user sees {@code external = internal * scalingFactor + offset} per
 * field. Limits are kept in internal units, as GDA does, so changing an offset moves the limits the
 * user sees with it; a null limit (or a null element) means none.
 */
public abstract class ScannableMotionBase extends ScannableBase implements ScannableMotion, IObservable {
    private final ObservableComponent observers = new ObservableComponent();
    private volatile Double[] internalLower;
    private volatile Double[] internalUpper;
    private volatile Double[] offset;
    private volatile Double[] scalingFactor;
    private volatile Double[] tolerances;
    private volatile int numberTries = 1;

    protected ScannableMotionBase() {
    }

    protected ScannableMotionBase(String name) {
        super(name);
    }

    @Override
    public abstract Object rawGetPosition() throws DeviceException;

    @Override
    public abstract void rawAsynchronousMoveTo(Object internalPosition) throws DeviceException;

    // ---------------------------------------------------------------- offset and scaling

    @Override
    public Object internalToExternal(Object internalPosition) {
        Double[] off = offset;
        Double[] scale = scalingFactor;
        if ((off == null && scale == null) || internalPosition == null) {
            return internalPosition;
        }
        Object[] values = toObjectArray(internalPosition);
        for (int i = 0; i < values.length; i++) {
            if (values[i] instanceof Number n) {
                double v = n.doubleValue();
                Double s = at(scale, i);
                Double o = at(off, i);
                if (s != null) {
                    v *= s;
                }
                if (o != null) {
                    v += o;
                }
                values[i] = v + 0.0; // no -0.0
            }
        }
        return pack(values, internalPosition);
    }

    @Override
    public Object externalToInternal(Object externalPosition) {
        Double[] off = offset;
        Double[] scale = scalingFactor;
        if ((off == null && scale == null) || externalPosition == null) {
            return externalPosition;
        }
        Object[] values = toObjectArray(externalPosition);
        for (int i = 0; i < values.length; i++) {
            if (values[i] instanceof Number n) {
                double v = n.doubleValue();
                Double s = at(scale, i);
                Double o = at(off, i);
                if (o != null) {
                    v -= o;
                }
                if (s != null) {
                    v /= s;
                }
                values[i] = v + 0.0; // no -0.0
            }
        }
        return pack(values, externalPosition);
    }

    /** Back to the caller's shape: a scalar for a scalar, a double[] when all numeric, else Object[]. */
    private static Object pack(Object[] values, Object original) {
        if (values.length == 1 && !original.getClass().isArray() && !(original instanceof java.util.List)) {
            return values[0];
        }
        double[] numbers = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            if (!(values[i] instanceof Number n)) {
                return values;
            }
            numbers[i] = n.doubleValue();
        }
        return numbers;
    }

    private static Double at(Double[] array, int i) {
        return array == null || i >= array.length ? null : array[i];
    }

    @Override
    public Double[] getOffset() {
        Double[] off = offset;
        return off == null ? null : off.clone();
    }

    @Override
    public void setOffset(Double... offset) {
        this.offset = offset == null || offset.length == 0 || allNull(offset) ? null : offset.clone();
    }

    @Override
    public Double[] getScalingFactor() {
        Double[] scale = scalingFactor;
        return scale == null ? null : scale.clone();
    }

    @Override
    public void setScalingFactor(Double... factor) {
        if (factor != null) {
            for (Double f : factor) {
                if (f != null && f == 0.0) {
                    throw new IllegalArgumentException(getName() + ": a scaling factor of 0 is not allowed");
                }
            }
        }
        this.scalingFactor = factor == null || factor.length == 0 || allNull(factor) ? null : factor.clone();
    }

    private static boolean allNull(Double[] values) {
        for (Double v : values) {
            if (v != null) {
                return false;
            }
        }
        return true;
    }

    private boolean scaleNegative(int i) {
        Double s = at(scalingFactor, i);
        return s != null && s < 0;
    }

    private Double toExternal(Double internal, int i) {
        if (internal == null) {
            return null;
        }
        double v = internal;
        Double s = at(scalingFactor, i);
        Double o = at(offset, i);
        if (s != null) {
            v *= s;
        }
        if (o != null) {
            v += o;
        }
        return v + 0.0; // no -0.0
    }

    private Double toInternal(Double external, int i) {
        if (external == null) {
            return null;
        }
        double v = external;
        Double s = at(scalingFactor, i);
        Double o = at(offset, i);
        if (o != null) {
            v -= o;
        }
        if (s != null) {
            v /= s;
        }
        return v + 0.0; // no -0.0
    }

    // ---------------------------------------------------------------- limits

    @Override
    public Double[] getLowerGdaLimits() {
        return externalLimits(true);
    }

    @Override
    public Double[] getUpperGdaLimits() {
        return externalLimits(false);
    }

    private Double[] externalLimits(boolean lower) {
        Double[] lo = internalLower;
        Double[] hi = internalUpper;
        if (lo == null && hi == null) {
            return null;
        }
        int n = inputCount();
        Double[] out = new Double[n];
        boolean any = false;
        for (int i = 0; i < n; i++) {
            boolean swap = scaleNegative(i);
            Double internal = (lower != swap) ? at(lo, i) : at(hi, i);
            out[i] = toExternal(internal, i);
            any |= out[i] != null;
        }
        return any ? out : null;
    }

    @Override
    public void setLowerGdaLimits(Double[] limits) {
        setLimits(limits, true);
    }

    @Override
    public void setLowerGdaLimits(Double limit) {
        setLimits(limit == null ? null : filled(limit), true);
    }

    @Override
    public void setUpperGdaLimits(Double[] limits) {
        setLimits(limits, false);
    }

    @Override
    public void setUpperGdaLimits(Double limit) {
        setLimits(limit == null ? null : filled(limit), false);
    }

    private Double[] filled(Double value) {
        Double[] out = new Double[Math.max(1, inputCount())];
        Arrays.fill(out, value);
        return out;
    }

    private synchronized void setLimits(Double[] external, boolean lower) {
        int n = inputCount();
        if (external != null && external.length != n) {
            throw new IllegalArgumentException(getName() + ": " + external.length + " limit(s) given but "
                    + getName() + " has " + n + " input field(s)");
        }
        Double[] lo = internalLower == null ? new Double[n] : Arrays.copyOf(internalLower, n);
        Double[] hi = internalUpper == null ? new Double[n] : Arrays.copyOf(internalUpper, n);
        for (int i = 0; i < n; i++) {
            Double internal = external == null ? null : toInternal(external[i], i);
            boolean targetLower = lower != scaleNegative(i);
            if (targetLower) {
                lo[i] = internal;
            } else {
                hi[i] = internal;
            }
        }
        internalLower = allNull(lo) ? null : lo;
        internalUpper = allNull(hi) ? null : hi;
    }

    /**
     * Null if the position has the right length and is within the limits, else one line naming
     * the device, the position and the limits, e.g.
     * {@code "x: position 12.0 is outside the limits (-10.0:10.0)"}.
     */
    @Override
    public String checkPositionValid(Object position) throws DeviceException {
        String reason = checkPositionLength(position);
        if (reason != null) {
            return reason;
        }
        Double[] lo = internalLower;
        Double[] hi = internalUpper;
        if (lo == null && hi == null) {
            return null;
        }
        if (hasNonNumber(position)) { // GDA: limits can only be checked on numbers
            StringBuilder limits = new StringBuilder();
            for (int i = 0; i < inputCount(); i++) {
                limits.append(i == 0 ? "(" : ", ").append(limitText(getLowerGdaLimits(), i)).append(':')
                        .append(limitText(getUpperGdaLimits(), i));
            }
            return getName() + ": position " + describe(position)
                    + " is not a number; it cannot be checked against the limits " + limits + ")";
        }
        if (!isNumeric(position)) { // a null field is left where it is: nothing to check
            return null;
        }
        double[] internal = toDoubleArray(externalToInternal(position));
        int n = Math.min(internal.length, inputCount());
        for (int i = 0; i < n; i++) {
            Double l = at(lo, i);
            Double h = at(hi, i);
            boolean bad = Double.isNaN(internal[i]) || (l != null && internal[i] < l) || (h != null && internal[i] > h);
            if (bad) {
                return describeLimitViolation(position, i);
            }
        }
        return null;
    }

    private static String limitText(Double[] limits, int field) {
        Double value = at(limits, field);
        return value == null ? "" : value.toString();
    }

    private static boolean hasNonNumber(Object position) {
        if (position instanceof String) {
            return true;
        }
        if (position == null || position instanceof Number || position instanceof double[]) {
            return false;
        }
        for (Object value : toObjectArray(position)) {
            if (value != null && !(value instanceof Number)) {
                return true;
            }
        }
        return false;
    }

    private String describeLimitViolation(Object position, int field) {
        Double[] lower = getLowerGdaLimits();
        Double[] upper = getUpperGdaLimits();
        String limits = "(" + (at(lower, field) == null ? "" : at(lower, field)) + ":"
                + (at(upper, field) == null ? "" : at(upper, field)) + ")";
        if (inputCount() == 1) {
            Object shown = positionLength(position) == 1 ? toObjectArray(position)[0] : position;
            return getName() + ": position " + describe(shown) + " is outside the limits " + limits;
        }
        return getName() + ": position " + describe(position) + " is outside the limits of "
                + getInputNames()[field] + " " + limits;
    }

    /** Refuses a position outside the limits before anything moves. */
    @Override
    public void asynchronousMoveTo(Object position) throws DeviceException {
        String reason = checkPositionValid(position);
        if (reason != null) {
            throw new DeviceException(reason);
        }
        rawAsynchronousMoveTo(externalToInternal(position));
    }

    // ---------------------------------------------------------------- tolerance and retries

    @Override
    public Double[] getTolerances() {
        Double[] t = tolerances;
        return t == null ? null : t.clone();
    }

    @Override
    public void setTolerances(Double[] tolerances) {
        this.tolerances = tolerances == null ? null : tolerances.clone();
    }

    /** Sets one tolerance for every input field. */
    public void setTolerance(Double tolerance) {
        setTolerances(tolerance == null ? null : filled(tolerance));
    }

    @Override
    public int getNumberTries() {
        return numberTries;
    }

    @Override
    public void setNumberTries(int tries) {
        numberTries = Math.max(1, tries);
    }

    /**
     * True if the current position matches {@code position} field by field: within the tolerance
     * where one is set, exactly otherwise. Strings compare for equality.
     */
    @Override
    public boolean isAt(Object position) throws DeviceException {
        Object current = getPosition();
        if (position instanceof String) {
            return position.equals(current);
        }
        double[] wanted = toDoubleArray(position);
        double[] now = toDoubleArray(current);
        Double[] tol = tolerances;
        for (int i = 0; i < wanted.length; i++) {
            if (i >= now.length) {
                return false;
            }
            Double t = at(tol, i);
            if (t == null || t == 0.0) {
                if (Double.compare(wanted[i], now[i]) != 0) {
                    return false;
                }
            } else if (Math.abs(wanted[i] - now[i]) > t) {
                return false;
            }
        }
        return true;
    }

    /** With numberTries > 1 (and a tolerance), repeats the move until {@link #isAt(Object)}. */
    @Override
    public void moveTo(Object position) throws DeviceException, InterruptedException {
        int tries = numberTries;
        if (tries <= 1) {
            super.moveTo(position);
            return;
        }
        if (tolerances == null) {
            throw new DeviceException(getName() + ": numberTries is " + tries + " but no tolerance is set");
        }
        for (int attempt = 1; attempt <= tries; attempt++) {
            asynchronousMoveTo(position);
            waitWhileBusy();
            if (isAt(position)) {
                return;
            }
        }
        throw new DeviceException(getName() + ": not within tolerance of " + describe(position) + " after " + tries
                + " tries (at " + describe(getPosition()) + ")");
    }

    // ---------------------------------------------------------------- Jython shortcuts

    /** Starts an absolute move (GDA's {@code scn.a(p)}). */
    public void a(Object position) throws DeviceException {
        asynchronousMoveTo(position);
    }

    /** Relative move that waits (GDA's {@code scn.r(d)}). */
    public void r(Object amount) throws DeviceException, InterruptedException {
        moveTo(relativeTarget(amount));
    }

    /** Relative move that returns at once (GDA's {@code scn.ar(d)}). */
    public void ar(Object amount) throws DeviceException {
        asynchronousMoveTo(relativeTarget(amount));
    }

    /** Current position plus {@code amount}, input fields only. */
    public Object relativeTarget(Object amount) throws DeviceException {
        double[] now = toDoubleArray(getPosition());
        double[] delta = toDoubleArray(amount);
        int n = inputCount();
        if (delta.length != n) {
            throw new DeviceException(getName() + ": relative move " + describe(amount) + " has " + delta.length
                    + " value(s) but " + getName() + " has " + n + " input name(s)");
        }
        double[] target = new double[n];
        for (int i = 0; i < n; i++) {
            target[i] = now[i] + delta[i];
        }
        return n == 1 ? (Object) target[0] : target;
    }

    // ---------------------------------------------------------------- formatting

    /** GDA's form plus {@code " (lo:hi)"} limits (single-input devices with a limit set). */
    @Override
    public String toFormattedString() {
        Object position;
        try {
            position = getPosition();
        } catch (DeviceException | RuntimeException e) {
            return getName() + " : " + VALUE_UNAVAILABLE;
        }
        return formatPosition(this, position, offsetSuffixes()) + limitsReport();
    }

    private String[] offsetSuffixes() {
        Double[] off = offset;
        if (off == null) {
            return null;
        }
        String[] formats = getOutputFormat();
        String[] out = new String[off.length];
        for (int i = 0; i < off.length; i++) {
            if (off[i] != null) {
                String f = formats.length == 0 ? null : formats[Math.min(i, formats.length - 1)];
                out[i] = "(" + (off[i] > 0 ? "+" : "") + formatValue(off[i], f) + ")";
            }
        }
        return out;
    }

    /** {@code " (lo:hi)"} in the first output format, as GDA prints it; "" without limits. */
    protected String limitsReport() {
        if (inputCount() != 1) {
            return "";
        }
        Double[] lower = getLowerGdaLimits();
        Double[] upper = getUpperGdaLimits();
        if (lower == null && upper == null) {
            return "";
        }
        String[] formats = getOutputFormat();
        String f = formats.length == 0 ? null : formats[0];
        StringBuilder out = new StringBuilder(" (");
        if (at(lower, 0) != null) {
            out.append(formatValue(lower[0], f));
        }
        out.append(':');
        if (at(upper, 0) != null) {
            out.append(formatValue(upper[0], f));
        }
        return out.append(')').toString();
    }

    // ---------------------------------------------------------------- observers (GDA's IObservable)

    @Override
    public void addIObserver(IObserver observer) {
        observers.addIObserver(observer);
    }

    @Override
    public void deleteIObserver(IObserver observer) {
        observers.deleteIObserver(observer);
    }

    @Override
    public void deleteIObservers() {
        observers.deleteIObservers();
    }

    public boolean isBeingObserved() {
        return observers.isBeingObserved();
    }

    /** Tell every observer of a change ({@code update(source, change)}), in the order they were added. */
    public void notifyIObservers(Object source, Object change) {
        observers.notifyIObservers(source, change);
    }
}
