package gda.scan;

/** Thrown by a scan that was aborted on request (by a user, Ctrl-C or another thread). */
public class ScanInterruptedException extends InterruptedException {
    private static final long serialVersionUID = 1L;

    public ScanInterruptedException(String message) {
        super(message);
    }
}
