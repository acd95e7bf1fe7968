package gda.device;

/**
 * GDA's Motor: the low-level axis a {@code ScannableMotor} drives, in its own (hardware) units.
 * {@link #moveTo(double)} starts a move and returns; {@link #getStatus()} is BUSY until it ends.
 */
public interface Motor {
    String getName();

    void setName(String name);

    void moveTo(double position) throws MotorException;

    void moveBy(double amount) throws MotorException;

    double getPosition() throws MotorException;

    /** Redefine the current position as {@code position} without moving. */
    void setPosition(double position) throws MotorException;

    MotorStatus getStatus() throws MotorException;

    boolean isMoving() throws MotorException;

    void stop() throws MotorException;

    double getSpeed() throws MotorException;

    void setSpeed(double speed) throws MotorException;

    double getMinPosition() throws MotorException;

    void setMinPosition(double position) throws MotorException;

    double getMaxPosition() throws MotorException;

    void setMaxPosition(double position) throws MotorException;

    String getUnitString() throws MotorException;
}
