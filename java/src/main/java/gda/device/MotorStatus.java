package gda.device;

/** GDA's motor states. */
public enum MotorStatus {
    READY,
    BUSY,
    FAULT,
    UPPER_LIMIT,
    LOWER_LIMIT,
    UNKNOWN
}
