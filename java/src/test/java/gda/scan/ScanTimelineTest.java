package gda.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gda.testing.CallLog;
import gda.testing.FakeBufferedDetector;
import gda.testing.FakeLine;
import gda.testing.RecordingDetector;
import gda.testing.RecordingScannable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The timeline a scan records: every phase of every point, in order, on the clock it names. */
class ScanTimelineTest {
    final CallLog log = new CallLog();

    private record Interval(int point, String lane, String phase, long start, long end) {
    }

    private static List<Interval> intervals(ConcurrentScan scan) {
        long[] flat = scan.getTimeline();
        String[] lanes = scan.getTimelineLanes();
        String[] phases = ConcurrentScan.getTimelinePhases();
        List<Interval> out = new ArrayList<>();
        for (int k = 0; k < flat.length; k += 5) {
            out.add(new Interval((int) flat[k], lanes[(int) flat[k + 1]], phases[(int) flat[k + 2]], flat[k + 3],
                    flat[k + 4]));
        }
        return out;
    }

    private static Interval only(List<Interval> all, int point, String lane, String phase) {
        List<Interval> found = all.stream().filter(i -> i.point == point && i.lane.equals(lane)
                && i.phase.equals(phase)).toList();
        assertEquals(1, found.size(), lane + " " + phase + " at point " + point + ": " + found);
        return found.get(0);
    }

    @Test
    void everyPointHasItsMovesCollectionsReadoutsAndDocumentsInOrder() throws Exception {
        RecordingScannable a = new RecordingScannable("a", log);
        RecordingDetector det = new RecordingDetector("det", log);
        RecordingDetector det2 = new RecordingDetector("det2", log);
        ConcurrentScan scan = new ConcurrentScan(new Object[] {a, 0, 2, 1, det, 0.5, det2, 0.1});
        long before = System.nanoTime();
        scan.run();
        long after = System.nanoTime();

        assertArrayEquals(new String[] {"a", "det", "det2", "points", "scan thread"}, scan.getTimelineLanes());
        List<Interval> all = intervals(scan);
        for (Interval i : all) {
            assertTrue(before <= i.start && i.start <= i.end && i.end <= after, i.toString());
        }
        for (int p = 0; p < 3; p++) {
            Interval point = only(all, p, "points", "point");
            Interval move = only(all, p, "a", "move");
            Interval collect = only(all, p, "det", "collect");
            Interval read = only(all, p, "a", "read");
            Interval readout = only(all, p, "det", "readout");
            only(all, p, "det2", "readout");
            Interval documents = only(all, p, "scan thread", "documents");
            assertTrue(point.start <= move.start && move.end <= collect.start, "moves, then collections");
            assertTrue(collect.end <= read.start && read.end <= readout.start, "then positions, then readouts");
            assertTrue(readout.end <= documents.start && documents.end == point.end, "then the documents");
        }
        only(all, -1, "scan thread", "scan start");
        only(all, -1, "scan thread", "scan end");
    }

    @Test
    void aFixedPositionIsMovedAtEveryPointAndAnOuterDimensionOnlyWhenItChanges() throws Exception {
        RecordingScannable outer = new RecordingScannable("outer", log);
        RecordingScannable inner = new RecordingScannable("inner", log);
        ConcurrentScan scan = new ConcurrentScan(new Object[] {outer, 0, 1, 1, inner, 0, 2, 1});
        scan.run();
        List<Interval> moves = intervals(scan).stream().filter(i -> i.phase.equals("move")).toList();
        assertEquals(List.of(0, 3), moves.stream().filter(i -> i.lane.equals("outer")).map(Interval::point).toList());
        assertEquals(6, moves.stream().filter(i -> i.lane.equals("inner")).count());
    }

    @Test
    void aScanWithTheTimelineOffRecordsNothing() throws Exception {
        ConcurrentScan scan = new ConcurrentScan(new Object[] {new RecordingScannable("a", log), 0, 2, 1});
        scan.setTimeline(false);
        scan.run();
        assertEquals(0, scan.getTimeline().length);
    }

    @Test
    void aContinuousLineMarksItsPreparationMotionAndReadback() throws Exception {
        FakeLine line = new FakeLine("sx", log);
        FakeBufferedDetector mcs = new FakeBufferedDetector("mcs", log, line);
        ConcurrentScan scan = new ConcurrentScan(new Object[] {line, 0, 4, 1, mcs, 0.01});
        scan.run();
        List<Interval> all = intervals(scan);
        Interval prepare = only(all, 0, "sx", "prepare");
        Interval motion = only(all, 0, "sx", "motion");
        Interval readback = only(all, 0, "sx", "readback");
        Interval collect = only(all, 0, "mcs", "collect");
        only(all, 0, "mcs", "readout");
        assertTrue(prepare.end == motion.start && motion.end <= readback.start && collect.start == motion.start);
        assertEquals(5, all.stream().filter(i -> i.phase.equals("documents")).count(), "one per bin");
    }
}
