package gda.device;

/**
 * Anything a scan can move or read: GDA's Scannable contract.
 *
 * <p>Positions are Objects as in GDA (a Double for one field, a double[] or Object[] for several),
 * because legacy scripts pass and return them freely; the engine normalises them.
 */
public interface Scannable {
    String getName();

    void setName(String name);

    Object getPosition() throws DeviceException;

    /** Starts a move and returns; {@link #waitWhileBusy()} waits for its end. */
    void asynchronousMoveTo(Object position) throws DeviceException;

    void moveTo(Object position) throws DeviceException, InterruptedException;

    /** Returns null when the position is acceptable, else the reason it is not. */
    String checkPositionValid(Object position) throws DeviceException;

    boolean isBusy() throws DeviceException;

    /** Blocks until the device is idle, waiting on an event rather than polling where it can. */
    void waitWhileBusy() throws DeviceException, InterruptedException;

    void stop() throws DeviceException;

    String[] getInputNames();

    void setInputNames(String[] names);

    String[] getExtraNames();

    void setExtraNames(String[] names);

    String[] getOutputFormat();

    void setOutputFormat(String[] formats);

    int getLevel();

    void setLevel(int level);

    void atScanStart() throws DeviceException;

    void atScanEnd() throws DeviceException;

    void atScanLineStart() throws DeviceException;

    void atScanLineEnd() throws DeviceException;

    void atPointStart() throws DeviceException;

    void atPointEnd() throws DeviceException;

    void atLevelStart() throws DeviceException;

    void atLevelMoveStart() throws DeviceException;

    void atLevelEnd() throws DeviceException;

    void atCommandFailure() throws DeviceException;

    String toFormattedString();
}
