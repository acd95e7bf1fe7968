package gda.device;

/** Detector states; {@link #code()} gives GDA's int constants (Detector.IDLE = 0, ...). */
public enum DetectorStatus {
    IDLE(0), BUSY(1), PAUSED(2), STANDBY(3), FAULT(4), MONITORING(5);

    private final int code;

    DetectorStatus(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static DetectorStatus fromCode(int code) {
        for (DetectorStatus s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown detector status code " + code);
    }
}
