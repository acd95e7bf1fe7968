package gda.testing;

import gda.scan.ConcurrentScan;
import gda.scan.ScanDataPoint;
import gda.scan.ScanListener;
import gda.scan.ScanStatus;
import java.util.ArrayList;
import java.util.List;

/** Keeps the points and logs "listener.*" calls into the shared log. */
public class RecordingListener implements ScanListener {
    private final CallLog log;
    public final List<ScanDataPoint> points = new ArrayList<>();
    public final List<ScanStatus> ends = new ArrayList<>();
    public final List<Throwable> failures = new ArrayList<>();
    public int starts;

    public RecordingListener(CallLog log) {
        this.log = log;
    }

    @Override
    public synchronized void scanStarted(ConcurrentScan scan) {
        starts++;
        log.add("listener.scanStarted");
    }

    @Override
    public synchronized void pointDone(ScanDataPoint point) throws Exception {
        points.add(point);
        log.add("listener.pointDone(" + point.index() + ")");
    }

    @Override
    public synchronized void scanEnded(ConcurrentScan scan, ScanStatus status, Throwable failure) {
        ends.add(status);
        failures.add(failure);
        log.add("listener.scanEnded(" + status + ")");
    }
}
