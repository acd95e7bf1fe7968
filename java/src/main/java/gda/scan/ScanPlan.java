package gda.scan;

import gda.device.BufferedDetector;
import gda.device.ContinuousLine;
import gda.device.Detector;
import gda.device.DeviceException;
import gda.device.Scannable;
import gda.device.scannable.ScannableBase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The grammar of GDA's scan commands: the arguments of {@code scan x 0 10 1 y 0 1 0.1 det 0.5}
 * turned into dimensions and each device's role, with every planned position computed before
 * anything runs. {@link ConcurrentScan} executes a plan; the rules are in its class comment.
 *
 * <p>A {@link ContinuousLine} followed by {@code start stop step} is the innermost dimension of a
 * continuous scan: it must open the last dimension and be alone in it, and every detector of the
 * scan must then be a {@link BufferedDetector}, with the bin time given after one of them.
 */
final class ScanPlan {
    private static final double NPOINTS_TOLERANCE = 1e-10;

    final ScanRole[] roles;
    final ScanRole[] scannableRoles;
    final ScanRole[] detectorRoles;
    /** scannables then detectors, command order: the order of every hook call */
    final ScanRole[] hookOrder;
    final int[] dimensions;
    final int totalPoints;
    /** the continuous line's role, or null for a step scan */
    final ScanRole line;
    final String command;
    private final Map<Scannable, ScanRole> roleOf = new IdentityHashMap<>();

    ScanPlan(Object[] args, Scannable[] defaults) {
        if (args == null || args.length == 0) {
            throw new IllegalArgumentException("scan: no arguments; usage: scan scannable start stop step "
                    + "[scannable [start [[stop] step]]] ... [detector [time]] ...");
        }
        List<ScanRole> all = new ArrayList<>();
        List<List<ScanRole>> dims = new ArrayList<>();
        List<Integer> dimSizes = new ArrayList<>();
        int i = 0;
        while (i < args.length) {
            Object first = args[i];
            if (!(first instanceof Scannable device)) {
                throw new IllegalArgumentException("scan: argument " + (i + 1) + " (" + CommandText.token(first)
                        + ") should be a Scannable" + (i == 0 ? "; a scan starts with a Scannable" : ""));
            }
            int j = i + 1;
            List<Object> values = new ArrayList<>();
            while (j < args.length && !(args[j] instanceof Scannable)) {
                values.add(args[j]);
                j++;
            }
            if (roleOf.containsKey(device)) {
                throw new IllegalArgumentException("scan: " + device.getName() + " appears more than once");
            }
            ScanRole role = new ScanRole(device, all.size());
            interpret(role, values, dims, dimSizes);
            all.add(role);
            roleOf.put(device, role);
            i = j;
        }
        if (defaults != null) {
            for (Scannable device : defaults) {
                if (device != null && !roleOf.containsKey(device)) {
                    ScanRole role = new ScanRole(device, all.size());
                    role.kind = device instanceof Detector ? ScanRole.Kind.DETECTOR : ScanRole.Kind.READ;
                    all.add(role);
                    roleOf.put(device, role);
                }
            }
        }
        for (int d = 0; d < dims.size(); d++) {
            for (ScanRole member : dims.get(d)) {
                if (member.positions.length != dimSizes.get(d)) {
                    throw new IllegalArgumentException("scan: objects must have the same number of scan points: "
                            + describeDimension(dims.get(d)));
                }
            }
        }
        if (dimSizes.isEmpty()) {
            dimSizes.add(1);
        }
        this.roles = all.toArray(new ScanRole[0]);
        this.dimensions = dimSizes.stream().mapToInt(Integer::intValue).toArray();
        long total = 1;
        for (int n : dimensions) {
            total *= n;
            if (total > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("scan: too many points (" + Arrays.toString(dimensions) + ")");
            }
        }
        this.totalPoints = (int) total;
        List<ScanRole> scannables = new ArrayList<>();
        List<ScanRole> detectors = new ArrayList<>();
        for (ScanRole r : roles) {
            (r.kind == ScanRole.Kind.DETECTOR ? detectors : scannables).add(r);
        }
        this.scannableRoles = scannables.toArray(new ScanRole[0]);
        this.detectorRoles = detectors.toArray(new ScanRole[0]);
        List<ScanRole> ordered = new ArrayList<>(scannables);
        ordered.addAll(detectors);
        this.hookOrder = ordered.toArray(new ScanRole[0]);
        this.line = checkLine(dims);
        StringBuilder text = new StringBuilder("scan");
        for (Object arg : args) {
            text.append(' ').append(CommandText.token(arg));
        }
        this.command = text.toString();
    }

    ScanRole roleOf(Scannable s) {
        return roleOf.get(s);
    }

    /** The bin time of a continuous line: the longest collection time given after a detector. */
    double secondsPerBin() {
        double longest = 0;
        for (ScanRole r : detectorRoles) {
            if (r.collectionTime != null) {
                longest = Math.max(longest, r.collectionTime);
            }
        }
        return longest;
    }

    double[] lineDemands() {
        double[] out = new double[line.positions.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = (Double) line.positions[k];
        }
        return out;
    }

    private ScanRole checkLine(List<List<ScanRole>> dims) {
        ScanRole found = null;
        for (ScanRole r : roles) {
            if (r.kind == ScanRole.Kind.LINE) {
                if (found != null) {
                    throw new IllegalArgumentException("scan: " + found.device.getName() + " and " + r.device.getName()
                            + " are both continuous lines; a scan has at most one, its innermost dimension");
                }
                found = r;
            }
        }
        if (found == null) {
            return null;
        }
        String name = found.device.getName();
        if (found.dimension != dims.size() - 1) {
            throw new IllegalArgumentException("scan: " + name + " moves continuously, so it must be the innermost "
                    + "dimension (the last 'scannable start stop step')");
        }
        if (dims.get(found.dimension).size() > 1) {
            throw new IllegalArgumentException("scan: " + name + " moves continuously; nothing can move in step with "
                    + "it (" + describeDimension(dims.get(found.dimension)) + ")");
        }
        boolean timed = false;
        for (ScanRole r : detectorRoles) {
            if (!(r.device instanceof BufferedDetector)) {
                throw new IllegalArgumentException("scan: " + r.device.getName() + " cannot be collected during the "
                        + "continuous motion of " + name + ": it keeps no buffer of triggered frames");
            }
            timed |= r.collectionTime != null;
        }
        if (!timed) {
            throw new IllegalArgumentException("scan: " + name + " moves continuously and needs the time per point: "
                    + "give it after a detector (" + name + " start stop step det 0.01)");
        }
        return found;
    }

    private static String describeDimension(List<ScanRole> members) {
        StringBuilder out = new StringBuilder();
        for (ScanRole r : members) {
            out.append(out.length() == 0 ? "" : ", ").append(r.device.getName()).append(" has ")
                    .append(r.positions.length);
        }
        return out.toString();
    }

    private static void interpretLine(ScanRole role, List<Object> values, List<List<ScanRole>> dims,
            List<Integer> sizes) {
        String name = role.device.getName();
        if (values.size() != 3) {
            throw new IllegalArgumentException("scan: " + name + " moves continuously and takes start stop step, got "
                    + (values.isEmpty() ? "nothing" : tokens(values)));
        }
        double[] start = numbers(name, "start", values.get(0));
        double[] stop = numbers(name, "stop", values.get(1));
        double[] step = numbers(name, "step", values.get(2));
        if (start.length != 1 || stop.length != 1 || step.length != 1) {
            throw new IllegalArgumentException("scan: " + name + " moves continuously along one axis: start, stop and "
                    + "step must be single numbers");
        }
        int n = numberOfPoints(name, start, stop, step);
        double signed = stop[0] >= start[0] ? Math.abs(step[0]) : -Math.abs(step[0]);
        Object[] positions = new Object[n];
        for (int k = 0; k < n; k++) {
            positions[k] = start[0] + k * signed;
        }
        openDimension(role, positions, dims, sizes);
        role.kind = ScanRole.Kind.LINE;
    }

    private static void interpret(ScanRole role, List<Object> values, List<List<ScanRole>> dims, List<Integer> sizes) {
        Scannable device = role.device;
        String name = device.getName();
        if (device instanceof Detector) {
            role.kind = ScanRole.Kind.DETECTOR;
            if (values.isEmpty()) {
                return;
            }
            if (values.size() > 1 || !(values.get(0) instanceof Number)) {
                throw new IllegalArgumentException("scan: detector " + name + " takes at most one number (its "
                        + "collection time), got " + tokens(values));
            }
            double time = ((Number) values.get(0)).doubleValue();
            if (Double.isNaN(time) || time < 0) {
                throw new IllegalArgumentException("scan: detector " + name + ": collection time " + time
                        + " must be >= 0");
            }
            role.collectionTime = time;
            return;
        }
        if (device instanceof ContinuousLine) {
            interpretLine(role, values, dims, sizes);
            return;
        }
        for (Object v : values) {
            if (v instanceof PositionList && values.size() > 1) {
                throw new IllegalArgumentException("scan: " + name + ": a list of positions must be the only value "
                        + "after the scannable, got " + tokens(values));
            }
        }
        switch (values.size()) {
            case 0 -> role.kind = ScanRole.Kind.READ;
            case 1 -> {
                Object v = values.get(0);
                if (v instanceof PositionList list) {
                    if (list.positions().isEmpty()) {
                        throw new IllegalArgumentException("scan: " + name + ": the list of positions is empty");
                    }
                    Object[] positions = new Object[list.positions().size()];
                    for (int k = 0; k < positions.length; k++) {
                        positions[k] = value(name, list.positions().get(k), true);
                    }
                    openDimension(role, positions, dims, sizes);
                } else {
                    role.kind = ScanRole.Kind.FIXED;
                    role.positions = new Object[] {value(name, v, true)};
                }
            }
            case 2 -> {
                if (dims.isEmpty()) {
                    throw new IllegalArgumentException("scan: " + name + " " + tokens(values) + ": 'start step' "
                            + "moves in step with an earlier 'scannable start stop step', and there is none");
                }
                double[] start = numbers(name, "start", values.get(0));
                double[] step = numbers(name, "step", values.get(1));
                sameLength(name, start, step, step);
                int d = dims.size() - 1;
                int n = sizes.get(d);
                Object[] positions = new Object[n];
                for (int k = 0; k < n; k++) {
                    positions[k] = pointAt(start, step, k);
                }
                role.kind = ScanRole.Kind.DIMENSION;
                role.dimension = d;
                role.positions = positions;
                dims.get(d).add(role);
            }
            case 3 -> {
                double[] start = numbers(name, "start", values.get(0));
                double[] stop = numbers(name, "stop", values.get(1));
                double[] step = numbers(name, "step", values.get(2));
                sameLength(name, start, stop, step);
                int n = numberOfPoints(name, start, stop, step);
                double[] signed = new double[step.length];
                for (int f = 0; f < step.length; f++) {
                    signed[f] = stop[f] >= start[f] ? Math.abs(step[f]) : -Math.abs(step[f]);
                }
                Object[] positions = new Object[n];
                for (int k = 0; k < n; k++) {
                    positions[k] = pointAt(start, signed, k);
                }
                openDimension(role, positions, dims, sizes);
            }
            default -> throw new IllegalArgumentException("scan: " + name + " is followed by " + values.size()
                    + " values " + tokens(values) + "; expected at most 3 (start stop step)");
        }
    }

    private static void openDimension(ScanRole role, Object[] positions, List<List<ScanRole>> dims, List<Integer> sizes) {
        role.kind = ScanRole.Kind.DIMENSION;
        role.dimension = dims.size();
        role.positions = positions;
        List<ScanRole> members = new ArrayList<>();
        members.add(role);
        dims.add(members);
        sizes.add(positions.length);
    }

    /** GDA's rule: floor((|stop-start| + |step|*1e-10)/|step|) + 1, equal for every moving field. */
    static int numberOfPoints(String name, double[] start, double[] stop, double[] step) {
        int n = -1;
        for (int f = 0; f < step.length; f++) {
            double span = Math.abs(stop[f] - start[f]);
            double s = Math.abs(step[f]);
            if (s == 0.0) {
                if (span != 0.0 || step.length == 1) {
                    throw new IllegalArgumentException("scan: " + name + ": step must not be zero");
                }
                continue;
            }
            double count = Math.floor((span + s * NPOINTS_TOLERANCE) / s) + 1;
            if (count > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("scan: " + name + ": " + count + " points is too many");
            }
            int fieldPoints = (int) count;
            if (n >= 0 && fieldPoints != n) {
                throw new IllegalArgumentException("scan: " + name + ": objects must have the same number of scan "
                        + "points; its fields give " + n + " and " + fieldPoints);
            }
            n = fieldPoints;
        }
        if (n < 0) {
            throw new IllegalArgumentException("scan: " + name + ": step must not be zero");
        }
        return n;
    }

    private static Object pointAt(double[] start, double[] step, int k) {
        if (start.length == 1) {
            return start[0] + k * step[0];
        }
        double[] p = new double[start.length];
        for (int f = 0; f < p.length; f++) {
            p[f] = start[f] + k * step[f];
        }
        return p;
    }

    private static void sameLength(String name, double[] start, double[] stop, double[] step) {
        if (start.length != stop.length || start.length != step.length || start.length == 0) {
            throw new IllegalArgumentException("scan: " + name + ": start, stop and step must have the same "
                    + "number of fields, got " + start.length + ", " + stop.length + " and " + step.length);
        }
    }

    /** A numeric start/stop/step: a Number or a multi-field value. */
    private static double[] numbers(String name, String what, Object v) {
        if (v instanceof String || v instanceof PositionList) {
            throw new IllegalArgumentException("scan: " + name + ": " + what + " " + CommandText.token(v)
                    + " is not a number");
        }
        Object value = value(name, v, false);
        if (value instanceof Double d) {
            return new double[] {d};
        }
        if (value instanceof double[] d) {
            return d;
        }
        throw new IllegalArgumentException("scan: " + name + ": " + what + " " + CommandText.token(v)
                + " is not a number");
    }

    /** Normalises one position: Number to Double, numeric arrays/lists to double[], Strings kept. */
    private static Object value(String name, Object v, boolean allowText) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String && allowText) {
            return v;
        }
        if (v == null || v instanceof String || v instanceof PositionList) {
            throw new IllegalArgumentException("scan: " + name + ": " + CommandText.token(v) + " is not a position");
        }
        if (v.getClass().isArray() || v instanceof List) {
            if (!ScannableBase.isNumeric(v)) {
                throw new IllegalArgumentException("scan: " + name + ": " + CommandText.token(v)
                        + " is not a numeric position");
            }
            return ScannableBase.toDoubleArray(v);
        }
        throw new IllegalArgumentException("scan: " + name + ": " + CommandText.token(v) + " ("
                + v.getClass().getSimpleName() + ") is not a position");
    }

    private static String tokens(List<Object> values) {
        StringBuilder out = new StringBuilder();
        for (Object v : values) {
            out.append(out.length() == 0 ? "" : " ").append(CommandText.token(v));
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- checks against the devices

    /**
     * GDA's checks before a scan: every scannable has a name and as many output formats as
     * input+extra names (a single format is copied to every field, as GDA does); then
     * checkPositionValid on every position of every moved scannable, and a continuous line's
     * checkLineValid. Throws the first problem.
     */
    void validate() throws DeviceException {
        for (ScanRole r : roles) {
            String name = r.device.getName();
            if (name == null || name.isBlank()) {
                throw new DeviceException("scan: a " + r.device.getClass().getSimpleName() + " in the scan has no name");
            }
        }
        for (ScanRole r : scannableRoles) {
            Scannable d = r.device;
            int fields = d.getInputNames().length + d.getExtraNames().length;
            String[] formats = d.getOutputFormat();
            int count = formats == null ? 0 : formats.length;
            if (count == 1 && fields > 1) {
                String[] copied = new String[fields];
                Arrays.fill(copied, formats[0]);
                d.setOutputFormat(copied);
            } else if (count != fields) {
                throw new DeviceException(d.getName() + ": has " + fields + " input/extra name(s) but " + count
                        + " output format(s)");
            }
        }
        for (ScanRole r : scannableRoles) {
            if (r.positions == null) {
                continue;
            }
            for (Object p : r.positions) {
                String reason = r.device.checkPositionValid(p);
                if (reason != null) {
                    throw new DeviceException(reason);
                }
            }
        }
        if (line != null) {
            String reason = ((ContinuousLine) line.device).checkLineValid(lineDemands(), secondsPerBin());
            if (reason != null) {
                throw new DeviceException(reason);
            }
        }
    }

    // ---------------------------------------------------------------- description

    List<Scannable> devices(ScanRole[] which) {
        List<Scannable> out = new ArrayList<>(which.length);
        for (ScanRole r : which) {
            out.add(r.device);
        }
        return Collections.unmodifiableList(out);
    }

    /** Column names: each scannable's input+extra names, each detector's extra names (or its name). */
    List<String> columnNames() {
        List<String> out = new ArrayList<>();
        for (ScanRole r : roles) {
            if (r.kind == ScanRole.Kind.DETECTOR) {
                String[] extras = r.device.getExtraNames();
                if (extras.length == 0) {
                    out.add(r.device.getName());
                } else {
                    out.addAll(Arrays.asList(extras));
                }
            } else {
                out.addAll(Arrays.asList(r.device.getInputNames()));
                out.addAll(Arrays.asList(r.device.getExtraNames()));
            }
        }
        return Collections.unmodifiableList(out);
    }
}
