package gda.scan;

/** Receives a scan's events on the scan's own thread, in order. */
public interface ScanListener {
    /** After validation and before anything moves. */
    void scanStarted(ConcurrentScan scan) throws Exception;

    void pointDone(ScanDataPoint point) throws Exception;

    /** Always called once, whatever the end; failure is null unless the scan failed. */
    void scanEnded(ConcurrentScan scan, ScanStatus status, Throwable failure);
}
