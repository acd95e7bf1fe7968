package gda.scan;

import java.util.Arrays;

/**
 * A scan's timeline: for every point, the {@link System#nanoTime()} (CLOCK_MONOTONIC on Linux,
 * the clock of Python's {@code time.monotonic_ns()}) at which each phase of each device began and
 * ended. Kept as intervals (point, lane, phase, start, end) in one growing array, so a mark costs a
 * clock read and a few stores; read out once, after the scan.
 *
 * <p>Lanes: one per device (its slot), then {@link #pointsLane()} (each point, from its start to
 * its documents sent), then {@link #scanThreadLane()} (the documents, the scan's start and end).
 * Intervals are added by the scan thread only; readouts on pool threads hand their times back
 * through {@link #readoutStart}/{@link #readoutEnd}, published by the readout's lock.
 */
final class ScanMarks {
    static final int POINT = 0;
    static final int MOVE = 1;
    static final int COLLECT = 2;
    static final int READOUT = 3;
    static final int READ = 4;
    static final int DOCUMENTS = 5;
    static final int PREPARE = 6;
    static final int MOTION = 7;
    static final int READBACK = 8;
    static final int START = 9;
    static final int END = 10;
    /** Phase names by number; Python adds its own after these ("write", "flush"). */
    static final String[] PHASES = {"point", "move", "collect", "readout", "read", "documents", "prepare",
        "motion", "readback", "scan start", "scan end"};

    private static final int WIDTH = 5;

    private final int devices;
    private final boolean on;
    final long[] moveStart;
    final long[] collectStart;
    final long[] readoutStart;
    final long[] readoutEnd;
    private long[] data = new long[WIDTH * 1024];
    private int size;

    /** A timeline of {@code devices} devices; when {@code on} is false nothing is recorded (and no clock read). */
    ScanMarks(int devices, boolean on) {
        this.devices = devices;
        this.on = on;
        moveStart = new long[devices];
        collectStart = new long[devices];
        readoutStart = new long[devices];
        readoutEnd = new long[devices];
    }

    int pointsLane() {
        return devices;
    }

    int scanThreadLane() {
        return devices + 1;
    }

    /** The clock, or 0 when the timeline is off. */
    long now() {
        return on ? System.nanoTime() : 0L;
    }

    void add(int point, int lane, int phase, long start, long end) {
        if (!on || start == 0L) {
            return;
        }
        if (size + WIDTH > data.length) {
            data = Arrays.copyOf(data, data.length * 2);
        }
        long[] d = data;
        int at = size;
        d[at] = point;
        d[at + 1] = lane;
        d[at + 2] = phase;
        d[at + 3] = start;
        d[at + 4] = end;
        size = at + WIDTH;
    }

    /** Every interval so far, flattened: point, lane, phase, start ns, end ns (point -1: none). */
    long[] intervals() {
        return Arrays.copyOf(data, size);
    }
}
