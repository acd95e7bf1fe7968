package gda.scan;

/** The state of a scan; the four COMPLETED_* values are final. */
public enum ScanStatus {
    NOTSTARTED, RUNNING, PAUSED, COMPLETED_OKAY, COMPLETED_AFTER_FAILURE, COMPLETED_AFTER_STOP, COMPLETED_EARLY;

    public boolean isFinal() {
        return name().startsWith("COMPLETED");
    }
}
