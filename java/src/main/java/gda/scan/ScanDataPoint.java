package gda.scan;

/**
 * One completed point. {@code positions} holds one entry per device in command order: the
 * scannables' getPosition() and the detectors' readout(), as the devices returned them.
 */
public record ScanDataPoint(int index, int[] indices, Object[] positions, long timeNanos) {
}
