package gda.device;

/** A read-only Scannable: scans read it at every point and never move it. */
public interface Monitor extends Scannable {
    String getUnit() throws DeviceException;
}
