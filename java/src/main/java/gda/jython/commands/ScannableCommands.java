package gda.jython.commands;

import gda.device.DeviceException;
import gda.device.Scannable;
import gda.device.scannable.ScannableBase;
import gda.factory.Finder;
import gda.scan.Hooks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * GDA's pos and inc commands. They return the text GDA prints; they never print.
 *
 * <p>A move command validates every target first (nothing moves if one is refused), then moves
 * level by level, ascending: atLevelStart on each device of the level, atLevelMoveStart on each,
 * asynchronousMoveTo on each, waitWhileBusy on each, atLevelEnd on each. If anything fails or the
 * thread is interrupted, the devices still moving are stopped, atCommandFailure is called on every
 * device of the command, and the exception is rethrown.
 */
public final class ScannableCommands {
    private static final Logger LOG = Logger.getLogger("gda.jython.commands");

    private ScannableCommands() {
    }

    /** Every Scannable in the Finder, sorted by name, one formatted line each. */
    public static String pos() {
        List<Scannable> all = new ArrayList<>(Finder.listFindablesOfType(Scannable.class));
        all.sort(Comparator.comparing(s -> String.valueOf(s.getName()), String.CASE_INSENSITIVE_ORDER));
        StringBuilder out = new StringBuilder();
        for (Scannable s : all) {
            out.append(out.length() == 0 ? "" : "\n").append(formatted(s));
        }
        return out.toString();
    }

    /** One device's formatted position. */
    public static String pos(Scannable scannable) {
        return formatted(scannable);
    }

    /**
     * {@code pos()}, {@code pos(x)} or {@code pos(x, 1, y, 2)}; a single Object[] or List argument
     * is unpacked (GDA's {@code pos([x, 1])} form). Returns "Move completed: ..." with one line per
     * device.
     */
    public static String pos(Object... args) throws DeviceException, InterruptedException {
        Object[] a = unpack(args);
        if (a.length == 0) {
            return pos();
        }
        if (a.length == 1 && a[0] instanceof Scannable s) {
            return pos(s);
        }
        List<Scannable> devices = new ArrayList<>();
        List<Object> targets = new ArrayList<>();
        pairs("pos", a, devices, targets);
        move(devices, targets);
        return report("Move completed: ", devices);
    }

    /** Relative move: {@code inc(x, 1, y, -2)}; returns "Relative move complete: ...". */
    public static String inc(Object... args) throws DeviceException, InterruptedException {
        Object[] a = unpack(args);
        List<Scannable> devices = new ArrayList<>();
        List<Object> amounts = new ArrayList<>();
        pairs("inc", a, devices, amounts);
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("inc: expected scannable amount [scannable amount] ...");
        }
        List<Object> targets = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) {
            targets.add(relativeTarget(devices.get(i), amounts.get(i)));
        }
        move(devices, targets);
        return report("Relative move complete: ", devices);
    }

    private static Object[] unpack(Object[] args) {
        if (args == null) {
            return new Object[0];
        }
        if (args.length == 1 && args[0] instanceof Object[] inner) {
            return inner;
        }
        if (args.length == 1 && args[0] instanceof List<?> inner) {
            return inner.toArray();
        }
        return args;
    }

    private static void pairs(String command, Object[] a, List<Scannable> devices, List<Object> values) {
        int i = 0;
        while (i < a.length) {
            if (!(a[i] instanceof Scannable s)) {
                throw new IllegalArgumentException(command + ": argument " + (i + 1) + " ("
                        + ScannableBase.describe(a[i]) + ") should be a Scannable");
            }
            if (i + 1 >= a.length || a[i + 1] instanceof Scannable) {
                throw new IllegalArgumentException(command + ": no position given for " + s.getName());
            }
            if (devices.stream().anyMatch(d -> d == s)) {
                throw new IllegalArgumentException(command + ": " + s.getName() + " is given twice");
            }
            devices.add(s);
            values.add(target(a[i + 1]));
            i += 2;
        }
    }

    /** Lists and Object[] of numbers become double[]; everything else is passed as given. */
    private static Object target(Object value) {
        if ((value instanceof List || value instanceof Object[]) && ScannableBase.isNumeric(value)) {
            return ScannableBase.toDoubleArray(value);
        }
        return value;
    }

    private static Object relativeTarget(Scannable s, Object amount) throws DeviceException {
        double[] now;
        double[] delta;
        try {
            now = ScannableBase.toDoubleArray(s.getPosition());
            delta = ScannableBase.toDoubleArray(amount);
        } catch (IllegalArgumentException e) {
            throw new DeviceException("inc " + s.getName() + ": " + e.getMessage(), e);
        }
        int inputs = s.getInputNames().length;
        if (delta.length != inputs || now.length < inputs) {
            throw new DeviceException("inc " + s.getName() + ": amount " + ScannableBase.describe(amount) + " has "
                    + delta.length + " value(s) but " + s.getName() + " has " + inputs + " input name(s)");
        }
        double[] target = new double[inputs];
        for (int i = 0; i < inputs; i++) {
            target[i] = now[i] + delta[i];
        }
        return inputs == 1 ? (Object) target[0] : target;
    }

    /**
     * Validates every target, then moves level by level as the class comment says. On failure or
     * interrupt: stop the devices still moving, atCommandFailure on all, rethrow.
     */
    public static void move(List<Scannable> devices, List<Object> targets) throws DeviceException,
            InterruptedException {
        if (devices.size() != targets.size()) {
            throw new IllegalArgumentException("move: " + devices.size() + " devices but " + targets.size()
                    + " targets");
        }
        int n = devices.size();
        for (int i = 0; i < n; i++) {
            String reason = devices.get(i).checkPositionValid(targets.get(i));
            if (reason != null) {
                throw new DeviceException(reason);
            }
        }
        int[] hooks = new int[n];
        TreeMap<Integer, List<Integer>> byLevel = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            hooks[i] = Hooks.maskOf(devices.get(i));
            byLevel.computeIfAbsent(devices.get(i).getLevel(), k -> new ArrayList<>()).add(i);
        }
        boolean[] moving = new boolean[n];
        try {
            for (Map.Entry<Integer, List<Integer>> level : byLevel.entrySet()) {
                List<Integer> members = level.getValue();
                for (int i : members) {
                    if ((hooks[i] & Hooks.AT_LEVEL_START) != 0) {
                        devices.get(i).atLevelStart();
                    }
                }
                for (int i : members) {
                    if ((hooks[i] & Hooks.AT_LEVEL_MOVE_START) != 0) {
                        devices.get(i).atLevelMoveStart();
                    }
                }
                for (int i : members) {
                    moving[i] = true;
                    devices.get(i).asynchronousMoveTo(targets.get(i));
                }
                for (int i : members) {
                    devices.get(i).waitWhileBusy();
                    moving[i] = false;
                }
                for (int i : members) {
                    if ((hooks[i] & Hooks.AT_LEVEL_END) != 0) {
                        devices.get(i).atLevelEnd();
                    }
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException("move interrupted");
                }
            }
        } catch (Exception | Error e) {
            for (int i = 0; i < n; i++) {
                if (moving[i]) {
                    try {
                        devices.get(i).stop();
                    } catch (Throwable t) {
                        e.addSuppressed(t);
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                if ((hooks[i] & Hooks.AT_COMMAND_FAILURE) != 0) {
                    try {
                        devices.get(i).atCommandFailure();
                    } catch (Throwable t) {
                        e.addSuppressed(t);
                    }
                }
            }
            LOG.log(Level.FINE, "move of " + names(devices) + " failed: " + e);
            throw e;
        }
    }

    private static String names(List<Scannable> devices) {
        return Arrays.toString(devices.stream().map(Scannable::getName).toArray());
    }

    private static String report(String prefix, List<Scannable> devices) {
        StringBuilder out = new StringBuilder(prefix);
        for (int i = 0; i < devices.size(); i++) {
            out.append(i == 0 ? "" : "\n").append(formatted(devices.get(i)));
        }
        return out.toString();
    }

    private static String formatted(Scannable s) {
        try {
            return s.toFormattedString();
        } catch (RuntimeException e) {
            return s.getName() + " : " + ScannableBase.VALUE_UNAVAILABLE;
        }
    }
}
