package gda.scan;

/** Receives a scan's events on the scan's own thread, in order. */
public interface ScanListener {
    /** After validation and before anything moves. */
    void scanStarted(ConcurrentScan scan) throws Exception;

    void pointDone(ScanDataPoint point) throws Exception;

    /** Always called once, whatever the end; failure is null unless the scan failed. */
    void scanEnded(ConcurrentScan scan, ScanStatus status, Throwable failure);

    /** The scan is held before point {@code point} (0-based) since {@code epochMillis}, for {@code reason}. */
    default void scanSuspended(ConcurrentScan scan, int point, String reason, long epochMillis) throws Exception {
    }

    /** The suspension announced last ended at {@code epochMillis}; point {@code point} is (re)taken next. */
    default void scanResumed(ConcurrentScan scan, int point, long epochMillis) throws Exception {
    }
}
