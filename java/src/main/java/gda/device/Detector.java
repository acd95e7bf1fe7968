package gda.device;

/** A Scannable that collects data: collectData starts a collection, readout returns it. */
public interface Detector extends Scannable {
    /** Starts one collection and returns; the detector is busy until it ends. */
    void collectData() throws DeviceException;

    DetectorStatus getStatus() throws DeviceException;

    Object readout() throws DeviceException;

    void setCollectionTime(double seconds) throws DeviceException;

    double getCollectionTime() throws DeviceException;

    void prepareForCollection() throws DeviceException;

    void endCollection() throws DeviceException;

    boolean createsOwnFiles() throws DeviceException;

    /** Shape of one readout: {} for a scalar per extra name, {ny, nx} for a frame. */
    int[] getDataDimensions() throws DeviceException;
}
