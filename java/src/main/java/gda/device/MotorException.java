package gda.device;

/** A motor refused or failed a command; carries the motor's status at the time. */
public class MotorException extends DeviceException {
    private static final long serialVersionUID = 1L;
    public final MotorStatus status;

    public MotorException(MotorStatus status, String message) {
        super(message);
        this.status = status;
    }
}
