package gda.scan;

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
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * GDA's step scan: {@code scan x 0 10 1 y 0 1 0.1 det 0.5}.
 *
 * <h2>Grammar</h2>
 * Arguments are Scannables, each followed by its values: java.lang.Numbers, {@code double[]} (one
 * multi-field value) and {@link PositionList}s.
 * <ul>
 * <li>{@code scn start stop step}: the first one is the outer dimension; each later one opens a
 * nested inner dimension. npoints = floor((|stop-start| + |step|*1e-10) / |step|) + 1; the step's
 * sign is corrected to go from start to stop.</li>
 * <li>{@code scn PositionList}: a dimension with explicit positions (the first, or a nested one).</li>
 * <li>{@code scn start step}: moves in lock-step with the most recently opened dimension.</li>
 * <li>{@code scn pos}: moved to pos at every point.</li>
 * <li>{@code scn}: read at every point, not moved; a Detector alone is collected.</li>
 * <li>{@code det time}: a Detector followed by one number collects for that time.</li>
 * </ul>
 * Points are visited in row-major order (inner dimension fastest, no snake).
 *
 * <h2>Order of calls</h2>
 * Around the scan (GDA's ScanBase order; "all" = scannables then detectors, command order):
 * <ol>
 * <li>{@link #validate()}: checkPositionValid on every point of every moved scannable (nothing has
 * moved yet; on failure the scan ends COMPLETED_AFTER_FAILURE with no device hooks called)</li>
 * <li>listeners' scanStarted</li>
 * <li>setCollectionTime on detectors given a time</li>
 * <li>prepareForCollection on detectors</li>
 * <li>atScanStart on all</li>
 * <li>for each point: pause/abort check, then (first point of a line of the innermost dimension)
 * atScanLineStart on all, then the point (below), then (last point of a line) atScanLineEnd on all</li>
 * <li>atScanEnd on all</li>
 * <li>endCollection on detectors</li>
 * <li>status COMPLETED_OKAY (or COMPLETED_EARLY), listeners' scanEnded</li>
 * </ol>
 * Each point: atPointStart on all; for each level ascending: atLevelStart on every device of the
 * level, atLevelMoveStart on those that move or collect at this point, asynchronousMoveTo on each
 * scannable of the level that moves at this point (scannables of the dimensions whose index
 * changed, and those given one fixed position) and collectData on the level's detectors, all
 * started before any waits, then waitWhileBusy on each of them, then atLevelEnd on every device of
 * the level; then getPosition on every scannable; readout on every detector (in parallel when there
 * are two or more); the ScanDataPoint to listeners; atPointEnd on all.
 *
 * <p>On failure (an exception from a device or listener): a log banner, atCommandFailure on all,
 * stop on all (their errors are attached to the original as suppressed), COMPLETED_AFTER_FAILURE,
 * scanEnded, and the original exception is rethrown. No atScanEnd/endCollection (as GDA).
 * On abort ({@link #requestAbort()}, an interrupt of the scan thread, or an InterruptedException
 * anywhere in a cause chain): stop on all, COMPLETED_AFTER_STOP, scanEnded, and
 * {@link ScanInterruptedException} "Scan aborted on request.".
 *
 * <p>Devices are identified by identity, not equals(). Hook calls honour {@link gda.device.HookAware}.
 */
public class ConcurrentScan {
    static final Logger LOG = Logger.getLogger("gda.scan");
    private static final double NPOINTS_TOLERANCE = 1e-10;
    private static final String ABORT_MESSAGE = "Scan aborted on request.";
    private static final ExecutorService READOUT_POOL = Executors.newCachedThreadPool(new DaemonFactory());

    private enum Kind { READ, DIMENSION, FIXED, DETECTOR }

    /** What the scan does with one device; positions are precomputed at construction. */
    private static final class Role {
        final Scannable device;
        final int slot;
        Kind kind = Kind.READ;
        int dimension = -1;
        Object[] positions;
        Double collectionTime;
        int level;
        int hooks;

        Role(Scannable device, int slot) {
            this.device = device;
            this.slot = slot;
        }

        boolean movesAt(int changedDimension) {
            return kind == Kind.FIXED || (kind == Kind.DIMENSION && dimension >= changedDimension);
        }

        Object positionAt(int[] indices) {
            return kind == Kind.FIXED ? positions[0] : positions[indices[dimension]];
        }
    }

    /** The devices of one level, with their roles in command order. */
    private static final class LevelGroup {
        final int level;
        final Role[] all;
        final Role[] movers;
        final Role[] detectors;

        LevelGroup(int level, Role[] all, Role[] movers, Role[] detectors) {
            this.level = level;
            this.all = all;
            this.movers = movers;
            this.detectors = detectors;
        }
    }

    private final Object[] args;
    private final Role[] roles;
    private final Role[] scannableRoles;
    private final Role[] detectorRoles;
    private final Role[] hookOrder;
    private final Map<Scannable, Role> roleOf = new IdentityHashMap<>();
    private final int[] dimensions;
    private final int totalPoints;
    private final CopyOnWriteArrayList<ScanListener> listeners = new CopyOnWriteArrayList<>();
    private volatile String command;

    private final ReentrantLock stateLock = new ReentrantLock();
    private final Condition stateChanged = stateLock.newCondition();
    private volatile ScanStatus status = ScanStatus.NOTSTARTED;
    private volatile boolean abortRequested;
    private volatile boolean pauseRequested;
    private volatile boolean finishEarlyRequested;
    private volatile int pointsCompleted;
    private volatile boolean parallelReadout = true;
    private Thread scanThread;
    private boolean runCalled;

    private LevelGroup[] levels;
    private ReadoutTask[] readoutTasks;
    private final ReentrantLock readoutLock = new ReentrantLock();
    private final Condition readoutDone = readoutLock.newCondition();
    private int readoutsPending;
    private final Suspension suspension = new Suspension();

    public ConcurrentScan(Object[] args) {
        this(args, new Scannable[0]);
    }

    /** @param defaults default scannables, appended as read-only unless already in {@code args} */
    public ConcurrentScan(Object[] args, Scannable[] defaults) {
        if (args == null || args.length == 0) {
            throw new IllegalArgumentException("scan: no arguments; usage: scan scannable start stop step "
                    + "[scannable [start [[stop] step]]] ... [detector [time]] ...");
        }
        this.args = args.clone();
        List<Role> all = new ArrayList<>();
        List<List<Role>> dims = new ArrayList<>();
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
            Role role = new Role(device, all.size());
            interpret(role, values, dims, dimSizes);
            all.add(role);
            roleOf.put(device, role);
            i = j;
        }
        if (defaults != null) {
            for (Scannable device : defaults) {
                if (device != null && !roleOf.containsKey(device)) {
                    Role role = new Role(device, all.size());
                    role.kind = device instanceof Detector ? Kind.DETECTOR : Kind.READ;
                    all.add(role);
                    roleOf.put(device, role);
                }
            }
        }
        for (int d = 0; d < dims.size(); d++) {
            for (Role member : dims.get(d)) {
                if (member.positions.length != dimSizes.get(d)) {
                    throw new IllegalArgumentException("scan: objects must have the same number of scan points: "
                            + describeDimension(dims.get(d)));
                }
            }
        }
        if (dimSizes.isEmpty()) {
            dimSizes.add(1);
        }
        this.roles = all.toArray(new Role[0]);
        this.dimensions = dimSizes.stream().mapToInt(Integer::intValue).toArray();
        long total = 1;
        for (int n : dimensions) {
            total *= n;
            if (total > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("scan: too many points (" + Arrays.toString(dimensions) + ")");
            }
        }
        this.totalPoints = (int) total;
        List<Role> scannables = new ArrayList<>();
        List<Role> detectors = new ArrayList<>();
        for (Role r : roles) {
            (r.kind == Kind.DETECTOR ? detectors : scannables).add(r);
        }
        this.scannableRoles = scannables.toArray(new Role[0]);
        this.detectorRoles = detectors.toArray(new Role[0]);
        List<Role> ordered = new ArrayList<>(scannables);
        ordered.addAll(detectors);
        this.hookOrder = ordered.toArray(new Role[0]);
        StringBuilder text = new StringBuilder("scan");
        for (Object arg : args) {
            text.append(' ').append(CommandText.token(arg));
        }
        this.command = text.toString();
    }

    private static String describeDimension(List<Role> members) {
        StringBuilder out = new StringBuilder();
        for (Role r : members) {
            out.append(out.length() == 0 ? "" : ", ").append(r.device.getName()).append(" has ")
                    .append(r.positions.length);
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- grammar

    private static void interpret(Role role, List<Object> values, List<List<Role>> dims, List<Integer> sizes) {
        Scannable device = role.device;
        String name = device.getName();
        if (device instanceof Detector) {
            role.kind = Kind.DETECTOR;
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
        for (Object v : values) {
            if (v instanceof PositionList && values.size() > 1) {
                throw new IllegalArgumentException("scan: " + name + ": a list of positions must be the only value "
                        + "after the scannable, got " + tokens(values));
            }
        }
        switch (values.size()) {
            case 0 -> role.kind = Kind.READ;
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
                    role.kind = Kind.FIXED;
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
                role.kind = Kind.DIMENSION;
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

    private static void openDimension(Role role, Object[] positions, List<List<Role>> dims, List<Integer> sizes) {
        role.kind = Kind.DIMENSION;
        role.dimension = dims.size();
        role.positions = positions;
        List<Role> members = new ArrayList<>();
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

    // ---------------------------------------------------------------- description

    public String getCommand() {
        return command;
    }

    public void setCommand(String command) {
        this.command = command;
    }

    /** Points per dimension, outermost first; {1} for a scan that moves nothing along an axis. */
    public int[] getDimensions() {
        return dimensions.clone();
    }

    public int getTotalPoints() {
        return totalPoints;
    }

    /** Every device, in command order (defaults last), each once. */
    public List<Scannable> getDevices() {
        List<Scannable> out = new ArrayList<>(roles.length);
        for (Role r : roles) {
            out.add(r.device);
        }
        return Collections.unmodifiableList(out);
    }

    /** The non-detector devices, command order. */
    public List<Scannable> getScannables() {
        List<Scannable> out = new ArrayList<>(scannableRoles.length);
        for (Role r : scannableRoles) {
            out.add(r.device);
        }
        return Collections.unmodifiableList(out);
    }

    /** The detectors, command order. */
    public List<Detector> getDetectors() {
        List<Detector> out = new ArrayList<>(detectorRoles.length);
        for (Role r : detectorRoles) {
            out.add((Detector) r.device);
        }
        return Collections.unmodifiableList(out);
    }

    /** Index of the dimension {@code s} moves in (0 = outermost); -1 if it is only read or held at one position. */
    public int getDimensionOf(Scannable s) {
        Role r = roleOf.get(s);
        return r == null ? -1 : r.dimension;
    }

    /** True if the scan moves {@code s} (along a dimension or to one fixed position). */
    public boolean isMoved(Scannable s) {
        Role r = roleOf.get(s);
        return r != null && (r.kind == Kind.DIMENSION || r.kind == Kind.FIXED);
    }

    public boolean isDetector(Scannable s) {
        Role r = roleOf.get(s);
        return r != null && r.kind == Kind.DETECTOR;
    }

    /** The collection time given after a detector, or null if none was given. */
    public Double getCollectionTime(Scannable s) {
        Role r = roleOf.get(s);
        return r == null ? null : r.collectionTime;
    }

    /**
     * The positions a moved scannable is sent to: one per index of its dimension (a Double or a
     * double[]), or a single element for a fixed position; null if it is not moved.
     */
    public Object[] getPlannedPositions(Scannable s) {
        Role r = roleOf.get(s);
        if (r == null || r.positions == null) {
            return null;
        }
        Object[] out = r.positions.clone();
        for (int k = 0; k < out.length; k++) {
            if (out[k] instanceof double[] d) {
                out[k] = d.clone();
            }
        }
        return out;
    }

    /** Column names: each scannable's input+extra names, each detector's extra names (or its name). */
    public List<String> getColumnNames() {
        List<String> out = new ArrayList<>();
        for (Role r : roles) {
            if (r.kind == Kind.DETECTOR) {
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

    /**
     * Whether detectors beyond the first are read on pool threads (the default) or one after the
     * other on the scan thread. Handing a readout to another thread costs ~10-20 µs per point, and
     * a Python detector called from another Java thread costs more than from the calling thread
     * (and holds the GIL), so serial readout is better when every readout is quick.
     */
    public void setParallelReadout(boolean parallel) {
        parallelReadout = parallel;
    }

    public boolean isParallelReadout() {
        return parallelReadout;
    }

    public void addScanListener(ScanListener listener) {
        listeners.add(listener);
    }

    public void removeScanListener(ScanListener listener) {
        listeners.remove(listener);
    }

    public ScanStatus getStatus() {
        return status;
    }

    /**
     * Waits until the status is {@code wanted} (or any final status), without polling.
     *
     * @return true if the status is {@code wanted} on return
     */
    public boolean waitForStatus(ScanStatus wanted, long timeoutMillis) throws InterruptedException {
        long remaining = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        stateLock.lockInterruptibly();
        try {
            while (status != wanted && !status.isFinal() && remaining > 0) {
                remaining = stateChanged.awaitNanos(remaining);
            }
            return status == wanted;
        } finally {
            stateLock.unlock();
        }
    }

    /** Points fully done (data point published and atPointEnd called). */
    public int getPointsCompleted() {
        return pointsCompleted;
    }

    // ---------------------------------------------------------------- control (any thread)

    /** Pauses before the next point; the scan thread waits (status PAUSED) until resume or abort. */
    public void requestPause() {
        if (!status.isFinal()) {
            pauseRequested = true;
        }
    }

    public void requestResume() {
        stateLock.lock();
        try {
            pauseRequested = false;
            stateChanged.signalAll();
        } finally {
            stateLock.unlock();
        }
    }

    /** Ends the scan after the current point, with the normal end hooks (COMPLETED_EARLY). */
    public void requestFinishEarly() {
        stateLock.lock();
        try {
            finishEarlyRequested = true;
            stateChanged.signalAll();
        } finally {
            stateLock.unlock();
        }
        suspension.wake();
    }

    /**
     * Holds the scan before its next point until {@link #resumeSuspended()}; a point during which
     * this is called is retaken (every scannable moved again). Called again while suspended, it
     * updates the reason and the limit. A suspension longer than {@code maxSeconds} (if > 0) ends
     * the scan with a DeviceException giving the limit and the reason.
     */
    public void suspend(String reason, double maxSeconds) {
        if (!status.isFinal()) {
            suspension.suspend(reason, maxSeconds);
        }
    }

    public void resumeSuspended() {
        suspension.resume();
    }

    public boolean isSuspended() {
        return suspension.isActive();
    }

    /**
     * A point whose device fails is retaken, instead of failing the scan, if a suspension begins
     * within this many seconds of the failure (a lost IOC fails the move before its watcher reports).
     */
    public void setSuspendGrace(double seconds) {
        suspension.setGrace(seconds);
    }

    /**
     * Aborts: sets the flag, interrupts the scan thread and calls stop() on every device from this
     * thread (errors are logged). The scan thread then stops everything again and throws
     * {@link ScanInterruptedException}.
     */
    public void requestAbort() {
        boolean running;
        stateLock.lock();
        try {
            if (status.isFinal()) {
                return;
            }
            abortRequested = true;
            running = scanThread != null;
            if (running && scanThread != Thread.currentThread()) {
                scanThread.interrupt();
            }
            stateChanged.signalAll();
        } finally {
            stateLock.unlock();
        }
        if (running) {
            for (Role r : hookOrder) {
                try {
                    r.device.stop();
                } catch (Exception | LinkageError e) {
                    LOG.log(Level.WARNING, "stop() on " + r.device.getName() + " failed during abort", e);
                }
            }
        }
    }

    // ---------------------------------------------------------------- validation

    /**
     * GDA's checks before a scan: every scannable has a name and as many output formats as
     * input+extra names (a single format is copied to every field, as GDA does); then
     * checkPositionValid on every position of every moved scannable. Throws the first problem.
     */
    public void validate() throws DeviceException {
        for (Role r : roles) {
            String name = r.device.getName();
            if (name == null || name.isBlank()) {
                throw new DeviceException("scan: a " + r.device.getClass().getSimpleName() + " in the scan has no name");
            }
        }
        for (Role r : scannableRoles) {
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
        for (Role r : scannableRoles) {
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
    }

    // ---------------------------------------------------------------- run

    /**
     * Runs the whole scan on the calling thread; see the class comment for the order of calls.
     *
     * @throws ScanInterruptedException if aborted
     * @throws Exception the device's or listener's exception that made the scan fail
     */
    public void run() throws Exception {
        stateLock.lock();
        try {
            if (runCalled) {
                throw new IllegalStateException("scan: this scan has already been run; create a new one");
            }
            runCalled = true;
            scanThread = Thread.currentThread();
            if (!abortRequested) {
                status = ScanStatus.RUNNING;
                stateChanged.signalAll();
            }
        } finally {
            stateLock.unlock();
        }
        Throwable failure = null;
        boolean started = false;
        boolean early = false;
        try {
            checkAbort();
            validate();
            started = true;
            prepareRun();
            for (ScanListener l : listeners) {
                l.scanStarted(this);
            }
            early = collect();
        } catch (Throwable t) {
            failure = t;
        }
        boolean aborted;
        stateLock.lock();
        try {
            scanThread = null;
            aborted = abortRequested || Thread.interrupted() || isInterruption(failure);
            abortRequested |= aborted;
        } finally {
            stateLock.unlock();
        }
        // A late interrupt from requestAbort() must not leak to the caller's next blocking call.
        Thread.interrupted();
        if (aborted) {
            endAfterAbort(failure);
        } else if (failure != null) {
            endAfterFailure(failure, started);
        } else {
            finish(early ? ScanStatus.COMPLETED_EARLY : ScanStatus.COMPLETED_OKAY, null);
        }
    }

    private void endAfterAbort(Throwable cause) throws ScanInterruptedException {
        LOG.fine(ABORT_MESSAGE + " Stopping all devices.");
        stopAll(null);
        finish(ScanStatus.COMPLETED_AFTER_STOP, null);
        ScanInterruptedException e = new ScanInterruptedException(ABORT_MESSAGE);
        if (cause != null) {
            e.initCause(cause);
        }
        throw e;
    }

    private void endAfterFailure(Throwable failure, boolean started) throws Exception {
        String rule = "=".repeat(100);
        LOG.log(Level.SEVERE, rule + "\n" + describe(failure) + (started
                ? "\nCalling atCommandFailure and stop on every device of the scan.\n" : "\n") + rule, failure);
        if (started) {
            for (Role r : hookOrder) {
                if ((r.hooks & Hooks.AT_COMMAND_FAILURE) != 0) {
                    try {
                        r.device.atCommandFailure();
                    } catch (Throwable t) {
                        failure.addSuppressed(t);
                    }
                }
            }
            stopAll(failure);
        }
        finish(ScanStatus.COMPLETED_AFTER_FAILURE, failure);
        if (failure instanceof Exception e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        throw new Exception(failure);
    }

    private static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName()
                : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private void stopAll(Throwable attachTo) {
        for (Role r : hookOrder) {
            try {
                r.device.stop();
            } catch (Throwable t) {
                if (attachTo != null) {
                    attachTo.addSuppressed(t);
                } else {
                    LOG.log(Level.WARNING, "stop() on " + r.device.getName() + " failed", t);
                }
            }
        }
    }

    private void finish(ScanStatus end, Throwable failure) {
        stateLock.lock();
        try {
            status = end;
            stateChanged.signalAll();
        } finally {
            stateLock.unlock();
        }
        for (ScanListener l : listeners) {
            try {
                l.scanEnded(this, end, failure);
            } catch (Throwable t) {
                // After an abort a listener failing is expected (a pending Ctrl-C lands in it).
                Level level = end == ScanStatus.COMPLETED_AFTER_STOP ? Level.FINE : Level.WARNING;
                LOG.log(level, "scan listener " + l + " failed in scanEnded", t);
            }
        }
    }

    static boolean isInterruption(Throwable t) {
        int depth = 0;
        for (Throwable c = t; c != null && depth < 64; c = c.getCause(), depth++) {
            if (c instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    private void checkAbort() throws InterruptedException {
        if (abortRequested || Thread.interrupted()) {
            throw new InterruptedException(ABORT_MESSAGE);
        }
    }

    /** Pause and abort check before a point; returns true if the scan should finish early. */
    private boolean awaitGo() throws InterruptedException {
        checkAbort();
        if (pauseRequested) {
            stateLock.lockInterruptibly();
            try {
                while (pauseRequested && !abortRequested && !finishEarlyRequested) {
                    if (status != ScanStatus.PAUSED) {
                        status = ScanStatus.PAUSED;
                        stateChanged.signalAll();
                    }
                    stateChanged.await();
                }
                if (status == ScanStatus.PAUSED) {
                    status = ScanStatus.RUNNING;
                    stateChanged.signalAll();
                }
            } finally {
                stateLock.unlock();
            }
            checkAbort();
        }
        return finishEarlyRequested;
    }

    /** Asks HookAware devices once, reads levels once, and builds the level groups. */
    private void prepareRun() {
        for (Role r : roles) {
            r.hooks = Hooks.maskOf(r.device);
            r.level = r.device.getLevel();
        }
        TreeMap<Integer, List<Role>> byLevel = new TreeMap<>();
        for (Role r : hookOrder) {
            byLevel.computeIfAbsent(r.level, k -> new ArrayList<>()).add(r);
        }
        List<LevelGroup> groups = new ArrayList<>();
        for (Map.Entry<Integer, List<Role>> e : byLevel.entrySet()) {
            List<Role> movers = new ArrayList<>();
            List<Role> dets = new ArrayList<>();
            for (Role r : e.getValue()) {
                if (r.kind == Kind.DETECTOR) {
                    dets.add(r);
                } else if (r.kind != Kind.READ) {
                    movers.add(r);
                }
            }
            groups.add(new LevelGroup(e.getKey(), e.getValue().toArray(new Role[0]), movers.toArray(new Role[0]),
                    dets.toArray(new Role[0])));
        }
        levels = groups.toArray(new LevelGroup[0]);
        readoutTasks = new ReadoutTask[Math.max(0, detectorRoles.length - 1)];
        for (int k = 0; k < readoutTasks.length; k++) {
            readoutTasks[k] = new ReadoutTask(detectorRoles[k + 1]);
        }
    }

    private void callHook(int hook) throws DeviceException {
        for (Role r : hookOrder) {
            if ((r.hooks & hook) != 0) {
                invoke(r.device, hook);
            }
        }
    }

    private static void invoke(Scannable d, int hook) throws DeviceException {
        switch (hook) {
            case Hooks.AT_SCAN_START -> d.atScanStart();
            case Hooks.AT_SCAN_END -> d.atScanEnd();
            case Hooks.AT_SCAN_LINE_START -> d.atScanLineStart();
            case Hooks.AT_SCAN_LINE_END -> d.atScanLineEnd();
            case Hooks.AT_POINT_START -> d.atPointStart();
            case Hooks.AT_POINT_END -> d.atPointEnd();
            case Hooks.AT_LEVEL_START -> d.atLevelStart();
            case Hooks.AT_LEVEL_MOVE_START -> d.atLevelMoveStart();
            case Hooks.AT_LEVEL_END -> d.atLevelEnd();
            case Hooks.AT_COMMAND_FAILURE -> d.atCommandFailure();
            default -> throw new IllegalArgumentException("not a single hook: " + hook);
        }
    }

    /** Everything from setCollectionTime to endCollection; returns true if it finished early. */
    private boolean collect() throws Exception {
        for (Role r : detectorRoles) {
            if (r.collectionTime != null) {
                ((Detector) r.device).setCollectionTime(r.collectionTime);
            }
        }
        for (Role r : detectorRoles) {
            if ((r.hooks & Hooks.PREPARE_FOR_COLLECTION) != 0) {
                ((Detector) r.device).prepareForCollection();
            }
        }
        callHook(Hooks.AT_SCAN_START);
        long epochStart = System.currentTimeMillis() * 1_000_000L;
        long nanoStart = System.nanoTime();
        int inner = dimensions.length - 1;
        int[] indices = new int[dimensions.length];
        boolean lineOpen = false;
        boolean early = false;
        for (int point = 0; point < totalPoints; point++) {
            int changed = point == 0 ? 0 : advance(indices);
            if (awaitGo()) {
                early = true;
                break;
            }
            if (indices[inner] == 0) {
                callHook(Hooks.AT_SCAN_LINE_START);
                lineOpen = true;
            }
            Object[] positions = acquireRetaking(point, changed, indices);
            if (positions == null) {
                early = true;
                break;
            }
            ScanDataPoint data = new ScanDataPoint(point, indices.clone(), positions,
                    epochStart + (System.nanoTime() - nanoStart));
            for (ScanListener l : listeners) {
                l.pointDone(data);
            }
            callHook(Hooks.AT_POINT_END);
            pointsCompleted = point + 1;
            if (indices[inner] == dimensions[inner] - 1) {
                callHook(Hooks.AT_SCAN_LINE_END);
                lineOpen = false;
            }
        }
        checkAbort();
        if (lineOpen) {
            callHook(Hooks.AT_SCAN_LINE_END);
        }
        callHook(Hooks.AT_SCAN_END);
        for (Role r : detectorRoles) {
            if ((r.hooks & Hooks.END_COLLECTION) != 0) {
                ((Detector) r.device).endCollection();
            }
        }
        checkAbort();
        return early;
    }

    /** Odometer step, inner dimension fastest; returns the outermost dimension whose index changed. */
    private int advance(int[] indices) {
        for (int d = indices.length - 1; d >= 0; d--) {
            if (++indices[d] < dimensions[d]) {
                return d;
            }
            indices[d] = 0;
        }
        throw new IllegalStateException("scan: ran past the last point");
    }

    /**
     * acquirePoint, held while the scan is suspended and retaken (every scannable moved again and
     * detectors' collection times set again, in case an IOC restarted) when a suspension began
     * during it; null to finish early.
     */
    private Object[] acquireRetaking(int point, int changed, int[] indices) throws Exception {
        int move = changed;
        while (true) {
            int seen = suspension.hold(this, point, listeners, () -> finishEarlyRequested);
            if (seen < 0) {
                return null;
            }
            checkAbort();
            try {
                Object[] positions = acquirePoint(move, indices);
                if (!suspension.spoiled(seen)) {
                    return positions;
                }
                LOG.info("scan: point " + point + " was taken while suspended; retaking it");
            } catch (Exception e) {
                if (abortRequested || isInterruption(e) || !suspension.explains(seen)) {
                    throw e;
                }
                LOG.log(Level.WARNING, "scan: point " + point + " failed while suspended; retaking it", e);
            }
            move = 0;
            for (Role r : detectorRoles) {
                if (r.collectionTime != null) {
                    ((Detector) r.device).setCollectionTime(r.collectionTime);
                }
            }
        }
    }

    private Object[] acquirePoint(int changed, int[] indices) throws Exception {
        callHook(Hooks.AT_POINT_START);
        for (LevelGroup level : levels) {
            for (Role r : level.all) {
                if ((r.hooks & Hooks.AT_LEVEL_START) != 0) {
                    r.device.atLevelStart();
                }
            }
            for (Role r : level.movers) {
                if (r.movesAt(changed) && (r.hooks & Hooks.AT_LEVEL_MOVE_START) != 0) {
                    r.device.atLevelMoveStart();
                }
            }
            for (Role r : level.detectors) {
                if ((r.hooks & Hooks.AT_LEVEL_MOVE_START) != 0) {
                    r.device.atLevelMoveStart();
                }
            }
            for (Role r : level.movers) {
                if (r.movesAt(changed)) {
                    r.device.asynchronousMoveTo(r.positionAt(indices));
                }
            }
            for (Role r : level.detectors) {
                ((Detector) r.device).collectData();
            }
            for (Role r : level.movers) {
                if (r.movesAt(changed)) {
                    r.device.waitWhileBusy();
                }
            }
            for (Role r : level.detectors) {
                r.device.waitWhileBusy();
            }
            for (Role r : level.all) {
                if ((r.hooks & Hooks.AT_LEVEL_END) != 0) {
                    r.device.atLevelEnd();
                }
            }
            checkAbort();
        }
        Object[] positions = new Object[roles.length];
        for (Role r : scannableRoles) {
            positions[r.slot] = r.device.getPosition();
        }
        readout(positions);
        checkAbort();
        return positions;
    }

    // ---------------------------------------------------------------- parallel readout

    /** Reads every detector: the first on this thread, the others at the same time on the pool. */
    private void readout(Object[] positions) throws Exception {
        if (detectorRoles.length == 0) {
            return;
        }
        if (!parallelReadout) {
            for (Role r : detectorRoles) {
                positions[r.slot] = ((Detector) r.device).readout();
            }
            return;
        }
        if (readoutTasks.length > 0) {
            readoutLock.lock();
            try {
                readoutsPending = readoutTasks.length;
            } finally {
                readoutLock.unlock();
            }
            for (ReadoutTask task : readoutTasks) {
                task.result = null;
                task.error = null;
                READOUT_POOL.execute(task);
            }
        }
        Throwable first = null;
        try {
            positions[detectorRoles[0].slot] = ((Detector) detectorRoles[0].device).readout();
        } catch (Throwable t) {
            first = t;
        }
        if (readoutTasks.length > 0) {
            readoutLock.lock();
            try {
                while (readoutsPending > 0) {
                    readoutDone.await();
                }
            } catch (InterruptedException e) {
                for (ReadoutTask task : readoutTasks) {
                    Thread runner = task.runner;
                    if (runner != null) {
                        runner.interrupt();
                    }
                }
                if (first != null) {
                    e.addSuppressed(first);
                }
                throw e;
            } finally {
                readoutLock.unlock();
            }
            for (ReadoutTask task : readoutTasks) {
                if (task.error != null) {
                    if (first == null) {
                        first = task.error;
                    } else {
                        first.addSuppressed(task.error);
                    }
                } else {
                    positions[task.role.slot] = task.result;
                }
            }
        }
        if (first instanceof Exception e) {
            throw e;
        }
        if (first instanceof Error e) {
            throw e;
        }
    }

    /** A reusable readout of one detector; results are published through readoutLock. */
    private final class ReadoutTask implements Runnable {
        final Role role;
        volatile Thread runner;
        Object result;
        Throwable error;

        ReadoutTask(Role role) {
            this.role = role;
        }

        @Override
        public void run() {
            runner = Thread.currentThread();
            Object value = null;
            Throwable failed = null;
            try {
                value = ((Detector) role.device).readout();
            } catch (Throwable t) {
                failed = t;
            } finally {
                runner = null;
            }
            readoutLock.lock();
            try {
                result = value;
                error = failed;
                readoutsPending--;
                if (readoutsPending == 0) {
                    readoutDone.signalAll();
                }
            } finally {
                readoutLock.unlock();
            }
        }
    }

    private static final class DaemonFactory implements java.util.concurrent.ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "gda-scan-readout-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
