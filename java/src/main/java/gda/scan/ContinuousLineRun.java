package gda.scan;

import gda.device.BufferedDetector;
import gda.device.ContinuousLine;
import gda.device.DeviceException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;

/**
 * One line of a continuous scan: the line and its buffered detectors armed, one motion, and
 * the bins read back. Every bin captured is returned, also when the line is stopped early (finish
 * early) or fails or is aborted: then the bins taken so far are read after stopping, given to
 * {@code salvage}, and the failure is rethrown, so the file keeps every point that was taken.
 */
final class ContinuousLineRun {
    private final ScanRole line;
    private final ScanRole[] detectors;
    private final double[] demands;
    private final double secondsPerBin;
    private ScanMarks marks;
    private int point;
    private long motionStart;

    ContinuousLineRun(ScanPlan plan) {
        this.line = plan.line;
        this.detectors = plan.detectorRoles;
        this.demands = plan.lineDemands();
        this.secondsPerBin = plan.secondsPerBin();
    }

    private ContinuousLine line() {
        return (ContinuousLine) line.device;
    }

    /** Arms and starts the line, from the run-up start; its phases are marked as those of {@code firstPoint}. */
    void start(ScanMarks scanMarks, int firstPoint) throws DeviceException {
        marks = scanMarks;
        point = firstPoint;
        long prepare = marks.now();
        line().prepareLine(demands, secondsPerBin);
        for (ScanRole r : detectors) {
            ((BufferedDetector) r.device).prepareForLine(demands.length, secondsPerBin);
        }
        motionStart = marks.now();
        marks.add(point, line.slot, ScanMarks.PREPARE, prepare, motionStart);
        line().startLine();
    }

    /**
     * Waits for the bins and reads them: one positions array per bin, copied from
     * {@code template} (the other scannables' positions) with the line's and detectors' values.
     * Fewer than all bins only when {@code stopped} says the line was ended on request.
     */
    List<Object[]> finish(Object[] template, BooleanSupplier stopped) throws Exception {
        int n = demands.length;
        int got = line().waitForBins(n);
        marks.add(point, line.slot, ScanMarks.MOTION, motionStart, marks.now());
        for (ScanRole r : detectors) {
            got = Math.min(got, ((BufferedDetector) r.device).waitForFrames(got));
            marks.add(point, r.slot, ScanMarks.COLLECT, motionStart, marks.now());
        }
        line().completeLine();
        if (got < n && !stopped.getAsBoolean()) {
            throw new DeviceException(line.device.getName() + ": the line ended with " + got + " of " + n
                    + " bins captured (demands " + demands[0] + " to " + demands[n - 1] + ")");
        }
        return read(template, got);
    }

    /**
     * After a failure or abort: stops the line and its detectors, completes the line (disarmed,
     * speed restored, as after a whole line) and reads what they captured.
     */
    List<Object[]> salvage(Object[] template) {
        stop();
        try {
            line().completeLine();
        } catch (Exception | LinkageError e) {
            ConcurrentScan.LOG.log(Level.WARNING, "scan: completing " + line.device.getName() + " after it stopped failed", e);
        }
        try {
            int got = line().getBinsCaptured();
            for (ScanRole r : detectors) {
                got = Math.min(got, ((BufferedDetector) r.device).getFramesReadable());
            }
            return read(template, Math.max(0, Math.min(got, demands.length)));
        } catch (Exception | LinkageError e) {
            ConcurrentScan.LOG.log(Level.WARNING, "scan: could not read back the bins of " + line.device.getName()
                    + " taken before it stopped", e);
            return List.of();
        }
    }

    /** Ends the motion and the detectors' acquisitions (any thread); errors are logged. */
    void stop() {
        List<ScanRole> all = new ArrayList<>(List.of(line));
        all.addAll(List.of(detectors));
        for (ScanRole r : all) {
            try {
                r.device.stop();
            } catch (Exception | LinkageError e) {
                ConcurrentScan.LOG.log(Level.WARNING, "stop() on " + r.device.getName() + " failed", e);
            }
        }
    }

    private List<Object[]> read(Object[] template, int got) throws DeviceException {
        List<Object[]> bins = new ArrayList<>(got);
        if (got == 0) {
            return bins;
        }
        long reading = marks.now();
        Object[] positions = line().readBins(0, got);
        long read = marks.now();
        marks.add(point, line.slot, ScanMarks.READBACK, reading, read);
        checkLength(line, positions, got);
        for (int k = 0; k < got; k++) {
            Object[] point = template.clone();
            point[line.slot] = positions[k];
            bins.add(point);
        }
        for (ScanRole r : detectors) {
            Object[] frames = ((BufferedDetector) r.device).readFrames(0, got);
            long done = marks.now();
            marks.add(point, r.slot, ScanMarks.READOUT, read, done);
            read = done;
            checkLength(r, frames, got);
            for (int k = 0; k < got; k++) {
                bins.get(k)[r.slot] = frames[k];
            }
        }
        return bins;
    }

    private static void checkLength(ScanRole r, Object[] values, int wanted) throws DeviceException {
        if (values == null || values.length != wanted) {
            throw new DeviceException(r.device.getName() + ": asked for " + wanted + " bins, returned "
                    + (values == null ? "none" : values.length));
        }
    }
}
