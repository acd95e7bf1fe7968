package gda.scan;

import gda.device.Detector;
import gda.device.DeviceException;
import gda.device.Scannable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
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
 * <h2>Continuous lines</h2>
 * When the innermost dimension is a {@link gda.device.ContinuousLine} ({@code cvscan sx 0 10 0.1
 * mcs 0.01}; see {@link ScanPlan}), each line is one motion: the outer dimensions are stepped
 * as above (atPointStart, the levels' moves, the outer scannables read), then atScanLineStart,
 * the line and its {@link gda.device.BufferedDetector}s armed and started, every bin waited for
 * and read back, one ScanDataPoint per bin, atPointEnd, atScanLineEnd. Pause takes effect
 * between lines; finish-early stops the motion and keeps the bins taken; a failure or an abort
 * stops the line, publishes the bins it captured, and then ends the scan as above. A suspension
 * during a line retakes the whole line (its bins are published only once it is good).
 *
 * <p>The grammar (arguments to dimensions) is {@link ScanPlan}; this class executes a plan.
 * Devices are identified by identity, not equals(). Hook calls honour {@link gda.device.HookAware}.
 */
public class ConcurrentScan {
    static final Logger LOG = Logger.getLogger("gda.scan");
    private static final String ABORT_MESSAGE = "Scan aborted on request.";

    /** The devices of one level, with their roles in command order. */
    private record LevelGroup(int level, ScanRole[] all, ScanRole[] movers, ScanRole[] detectors) {
    }

    private final ScanPlan plan;
    private final ScanRole[] roles;
    private final ScanRole[] scannableRoles;
    private final ScanRole[] detectorRoles;
    private final ScanRole[] hookOrder;
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
    private ParallelReadout readout;
    /** the continuous line in motion, stopped by finish-early from another thread */
    private volatile ContinuousLineRun lineInMotion;
    private final Suspension suspension = new Suspension();
    private long epochStart;
    /** the bins a failed or aborted line took, published unless the line is retaken */
    private List<Object[]> salvaged = List.of();
    private long nanoStart;
    private volatile boolean timelineOn = true;
    private ScanMarks marks;
    /** The point the marks being taken belong to (the first of a line), and when it started. */
    private int markPoint;
    private long pointStart;

    public ConcurrentScan(Object[] args) {
        this(args, new Scannable[0]);
    }

    /** @param defaults default scannables, appended as read-only unless already in {@code args} */
    public ConcurrentScan(Object[] args, Scannable[] defaults) {
        plan = new ScanPlan(args, defaults);
        roles = plan.roles;
        scannableRoles = plan.scannableRoles;
        detectorRoles = plan.detectorRoles;
        hookOrder = plan.hookOrder;
        dimensions = plan.dimensions;
        totalPoints = plan.totalPoints;
        command = plan.command;
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

    /** True if the innermost dimension is a continuous line (one motion per line). */
    public boolean isContinuous() {
        return plan.line != null;
    }

    /** Every device, in command order (defaults last), each once. */
    public List<Scannable> getDevices() {
        return plan.devices(roles);
    }

    /** The non-detector devices, command order. */
    public List<Scannable> getScannables() {
        return plan.devices(scannableRoles);
    }

    /** The detectors, command order. */
    public List<Detector> getDetectors() {
        List<Detector> out = new ArrayList<>(detectorRoles.length);
        for (ScanRole r : detectorRoles) {
            out.add((Detector) r.device);
        }
        return java.util.Collections.unmodifiableList(out);
    }

    /** Index of the dimension {@code s} moves in (0 = outermost); -1 if it is only read or held at one position. */
    public int getDimensionOf(Scannable s) {
        ScanRole r = plan.roleOf(s);
        return r == null ? -1 : r.dimension;
    }

    /** True if the scan moves {@code s} (along a dimension, continuously, or to one fixed position). */
    public boolean isMoved(Scannable s) {
        ScanRole r = plan.roleOf(s);
        return r != null && r.isMoved();
    }

    public boolean isDetector(Scannable s) {
        ScanRole r = plan.roleOf(s);
        return r != null && r.kind == ScanRole.Kind.DETECTOR;
    }

    /** The collection time given after a detector, or null if none was given. */
    public Double getCollectionTime(Scannable s) {
        ScanRole r = plan.roleOf(s);
        return r == null ? null : r.collectionTime;
    }

    /**
     * The positions a moved scannable is sent to: one per index of its dimension (a Double or a
     * double[]), or a single element for a fixed position; null if it is not moved. For a
     * continuous line, the demands at which its triggers fire (each bin starts at one).
     */
    public Object[] getPlannedPositions(Scannable s) {
        ScanRole r = plan.roleOf(s);
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
        return plan.columnNames();
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

    /** Whether the scan records its timeline (on by default); set before {@link #run()}. */
    public void setTimeline(boolean on) {
        timelineOn = on;
    }

    /**
     * The timeline recorded so far, flattened as (point, lane, phase, start, end) per interval:
     * point -1 for the scan's own phases, lanes as {@link #getTimelineLanes()}, phases as
     * {@link #getTimelinePhases()}, times from {@link System#nanoTime()}. Read it after run().
     */
    public long[] getTimeline() {
        ScanMarks m = marks;
        return m == null ? new long[0] : m.intervals();
    }

    /** Lane names: every device (as {@link #getDevices()}), then "points" and "scan thread". */
    public String[] getTimelineLanes() {
        String[] out = new String[roles.length + 2];
        for (ScanRole r : roles) {
            out[r.slot] = r.device.getName();
        }
        out[roles.length] = "points";
        out[roles.length + 1] = "scan thread";
        return out;
    }

    public static String[] getTimelinePhases() {
        return ScanMarks.PHASES.clone();
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

    /**
     * Ends the scan after the current point, with the normal end hooks (COMPLETED_EARLY); a
     * continuous line in motion is stopped and keeps the bins it took.
     */
    public void requestFinishEarly() {
        stateLock.lock();
        try {
            finishEarlyRequested = true;
            stateChanged.signalAll();
        } finally {
            stateLock.unlock();
        }
        suspension.wake();
        ContinuousLineRun line = lineInMotion;
        if (line != null) {
            line.stop();
        }
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
            for (ScanRole r : hookOrder) {
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
     * checkPositionValid on every position of every moved scannable (and a continuous line's
     * checkLineValid). Throws the first problem.
     */
    public void validate() throws DeviceException {
        plan.validate();
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
            for (ScanRole r : hookOrder) {
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
        for (ScanRole r : hookOrder) {
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
        for (ScanRole r : roles) {
            r.hooks = Hooks.maskOf(r.device);
            r.level = r.device.getLevel();
        }
        TreeMap<Integer, List<ScanRole>> byLevel = new TreeMap<>();
        for (ScanRole r : hookOrder) {
            byLevel.computeIfAbsent(r.level, k -> new ArrayList<>()).add(r);
        }
        List<LevelGroup> groups = new ArrayList<>();
        for (Map.Entry<Integer, List<ScanRole>> e : byLevel.entrySet()) {
            List<ScanRole> movers = new ArrayList<>();
            List<ScanRole> dets = new ArrayList<>();
            for (ScanRole r : e.getValue()) {
                if (r.kind == ScanRole.Kind.DETECTOR) {
                    dets.add(r);
                } else if (r.kind != ScanRole.Kind.READ) {
                    movers.add(r);
                }
            }
            groups.add(new LevelGroup(e.getKey(), e.getValue().toArray(new ScanRole[0]), movers.toArray(new ScanRole[0]),
                    dets.toArray(new ScanRole[0])));
        }
        levels = groups.toArray(new LevelGroup[0]);
        readout = new ParallelReadout(detectorRoles);
        marks = new ScanMarks(roles.length, timelineOn);
    }

    private void callHook(int hook) throws DeviceException {
        for (ScanRole r : hookOrder) {
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
        long started = marks.now();
        setCollectionTimes();
        for (ScanRole r : detectorRoles) {
            if ((r.hooks & Hooks.PREPARE_FOR_COLLECTION) != 0) {
                ((Detector) r.device).prepareForCollection();
            }
        }
        callHook(Hooks.AT_SCAN_START);
        epochStart = System.currentTimeMillis() * 1_000_000L;
        nanoStart = System.nanoTime();
        marks.add(-1, marks.scanThreadLane(), ScanMarks.START, started, marks.now());
        boolean early = plan.line == null ? stepPoints() : continuousLines();
        checkAbort();
        long ending = marks.now();
        callHook(Hooks.AT_SCAN_END);
        for (ScanRole r : detectorRoles) {
            if ((r.hooks & Hooks.END_COLLECTION) != 0) {
                ((Detector) r.device).endCollection();
            }
        }
        marks.add(-1, marks.scanThreadLane(), ScanMarks.END, ending, marks.now());
        checkAbort();
        return early;
    }

    private void setCollectionTimes() throws DeviceException {
        for (ScanRole r : detectorRoles) {
            if (r.collectionTime != null) {
                ((Detector) r.device).setCollectionTime(r.collectionTime);
            }
        }
    }

    /** The point to the listeners; {@code started} is when it began (0: a bin of a line, marked as the line). */
    private void publish(int point, int[] indices, Object[] positions, long started) throws Exception {
        long now = System.nanoTime();
        ScanDataPoint data = new ScanDataPoint(point, indices.clone(), positions, epochStart + (now - nanoStart));
        for (ScanListener l : listeners) {
            l.pointDone(data);
        }
        long sent = marks.now();
        marks.add(point, marks.scanThreadLane(), ScanMarks.DOCUMENTS, now, sent);
        marks.add(point, marks.pointsLane(), ScanMarks.POINT, started, sent);
    }

    /** The step scan's points; returns true if it finished early. */
    private boolean stepPoints() throws Exception {
        int inner = dimensions.length - 1;
        int[] indices = new int[dimensions.length];
        boolean lineOpen = false;
        boolean early = false;
        for (int point = 0; point < totalPoints; point++) {
            int changed = point == 0 ? 0 : advance(indices, dimensions.length);
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
            publish(point, indices, positions, pointStart);
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
        return early;
    }

    /** A continuous scan: outer points stepped, each line one motion; returns true if it finished early. */
    private boolean continuousLines() throws Exception {
        int inner = dimensions.length - 1;
        int bins = dimensions[inner];
        int lines = totalPoints / bins;
        int[] indices = new int[dimensions.length];
        ContinuousLineRun run = new ContinuousLineRun(plan);
        for (int lineIndex = 0; lineIndex < lines; lineIndex++) {
            int changed = lineIndex == 0 ? 0 : advance(indices, inner);
            if (awaitGo()) {
                return true;
            }
            int first = lineIndex * bins;
            List<Object[]> taken = lineRetaking(run, first, changed, indices);
            if (taken == null) {
                return true;
            }
            publishLine(first, indices, taken);
            callHook(Hooks.AT_POINT_END);
            callHook(Hooks.AT_SCAN_LINE_END);
            if (taken.size() < bins) {
                return true;
            }
        }
        return false;
    }

    private void publishLine(int first, int[] indices, List<Object[]> taken) throws Exception {
        int inner = dimensions.length - 1;
        for (int k = 0; k < taken.size(); k++) {
            indices[inner] = k;
            publish(first + k, indices, taken.get(k), 0L);
            pointsCompleted = first + k + 1;
        }
        indices[inner] = 0;
    }

    /** Odometer step over the first {@code used} dimensions, the last fastest; returns the outermost that changed. */
    private int advance(int[] indices, int used) {
        for (int d = used - 1; d >= 0; d--) {
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
            markPoint = point;
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
            setCollectionTimes();
        }
    }

    /**
     * One continuous line, retaken whole (outer scannables moved again) when a suspension began
     * during it; null to finish early before it started. On a failure or abort during the line,
     * the bins it captured are published before the scan ends.
     */
    private List<Object[]> lineRetaking(ContinuousLineRun run, int first, int changed, int[] indices)
            throws Exception {
        int move = changed;
        while (true) {
            int seen = suspension.hold(this, first, listeners, () -> finishEarlyRequested);
            if (seen < 0) {
                return null;
            }
            checkAbort();
            markPoint = first;
            callHook(Hooks.AT_SCAN_LINE_START);
            List<Object[]> taken;
            try {
                taken = takeLine(run, move, indices);
            } catch (Exception e) {
                if (abortRequested || isInterruption(e) || !suspension.explains(seen)) {
                    publishSalvaged(first, indices, e);
                    throw e;
                }
                LOG.log(Level.WARNING, "scan: the line from point " + first + " failed while suspended; retaking it", e);
                taken = null;
            }
            if (taken != null && !suspension.spoiled(seen)) {
                return taken;
            }
            if (taken != null) {
                LOG.info("scan: the line from point " + first + " was taken while suspended; retaking it");
            }
            callHook(Hooks.AT_SCAN_LINE_END);
            move = 0;
            setCollectionTimes();
        }
    }

    /** Publishes the bins read back after the line failed or was aborted (a listener's failure is attached to {@code e}). */
    private void publishSalvaged(int first, int[] indices, Exception e) {
        List<Object[]> bins = salvaged;
        salvaged = List.of();
        try {
            publishLine(first, indices, bins);
        } catch (Exception | Error publishing) {
            e.addSuppressed(publishing);
        }
    }

    private List<Object[]> takeLine(ContinuousLineRun run, int changed, int[] indices) throws Exception {
        callHook(Hooks.AT_POINT_START);
        moveLevels(changed, indices, false);
        Object[] template = new Object[roles.length];
        for (ScanRole r : scannableRoles) {
            if (r != plan.line) {
                template[r.slot] = r.device.getPosition();
            }
        }
        checkAbort();
        lineInMotion = run;
        try {
            run.start(marks, markPoint);
            if (finishEarlyRequested) {
                run.stop();
            }
            return run.finish(template, () -> finishEarlyRequested || abortRequested);
        } catch (Exception | Error e) {
            // Read what the line took before the failure or abort with the interrupt cleared, so
            // the devices (and then the listeners) can answer; the abort is kept in its flag.
            if (Thread.interrupted()) {
                abortRequested = true;
            }
            salvaged = run.salvage(template);
            throw e;
        } finally {
            lineInMotion = null;
        }
    }

    /** Every level's moves (and, for a step point, its detectors' collections) for one point. */
    private void moveLevels(int changed, int[] indices, boolean collecting) throws Exception {
        for (LevelGroup level : levels) {
            for (ScanRole r : level.all) {
                if ((r.hooks & Hooks.AT_LEVEL_START) != 0) {
                    r.device.atLevelStart();
                }
            }
            for (ScanRole r : level.movers) {
                if (r.movesAt(changed) && (r.hooks & Hooks.AT_LEVEL_MOVE_START) != 0) {
                    r.device.atLevelMoveStart();
                }
            }
            ScanRole[] detectors = collecting ? level.detectors : new ScanRole[0];
            for (ScanRole r : detectors) {
                if ((r.hooks & Hooks.AT_LEVEL_MOVE_START) != 0) {
                    r.device.atLevelMoveStart();
                }
            }
            // An abort stops every device from its own thread: a move started after that stop
            // would set a motor going again, so look once more just before starting them.
            checkAbort();
            ScanMarks m = marks;
            for (ScanRole r : level.movers) {
                if (r.movesAt(changed)) {
                    m.moveStart[r.slot] = m.now();
                    r.device.asynchronousMoveTo(r.positionAt(indices));
                }
            }
            for (ScanRole r : detectors) {
                m.collectStart[r.slot] = m.now();
                ((Detector) r.device).collectData();
            }
            for (ScanRole r : level.movers) {
                if (r.movesAt(changed)) {
                    r.device.waitWhileBusy();
                    m.add(markPoint, r.slot, ScanMarks.MOVE, m.moveStart[r.slot], m.now());
                }
            }
            for (ScanRole r : detectors) {
                r.device.waitWhileBusy();
                m.add(markPoint, r.slot, ScanMarks.COLLECT, m.collectStart[r.slot], m.now());
            }
            for (ScanRole r : level.all) {
                if ((r.hooks & Hooks.AT_LEVEL_END) != 0) {
                    r.device.atLevelEnd();
                }
            }
            checkAbort();
        }
    }

    private Object[] acquirePoint(int changed, int[] indices) throws Exception {
        ScanMarks m = marks;
        pointStart = m.now();
        callHook(Hooks.AT_POINT_START);
        moveLevels(changed, indices, true);
        Object[] positions = new Object[roles.length];
        long read = m.now();
        for (ScanRole r : scannableRoles) {
            positions[r.slot] = r.device.getPosition();
            long done = m.now();
            m.add(markPoint, r.slot, ScanMarks.READ, read, done);
            read = done;
        }
        readout.read(positions, parallelReadout, m);
        for (ScanRole r : detectorRoles) {
            m.add(markPoint, r.slot, ScanMarks.READOUT, m.readoutStart[r.slot], m.readoutEnd[r.slot]);
        }
        checkAbort();
        return positions;
    }
}
