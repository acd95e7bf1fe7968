package gda.scan;

import gda.device.Scannable;

/** What a scan does with one device; its positions are precomputed by {@link ScanPlan}. */
final class ScanRole {
    enum Kind {
        /** read at every point, not moved */
        READ,
        /** moved along a dimension */
        DIMENSION,
        /** moved to one position at every point */
        FIXED,
        /** collected at every point */
        DETECTOR,
        /** a {@link gda.device.ContinuousLine}: the innermost dimension, one motion per line */
        LINE
    }

    final Scannable device;
    final int slot;
    Kind kind = Kind.READ;
    int dimension = -1;
    Object[] positions;
    Double collectionTime;
    int level;
    int hooks;

    ScanRole(Scannable device, int slot) {
        this.device = device;
        this.slot = slot;
    }

    /** True if this device is sent a position at a point where {@code changedDimension} (and all inner ones) changed. */
    boolean movesAt(int changedDimension) {
        return kind == Kind.FIXED || (kind == Kind.DIMENSION && dimension >= changedDimension);
    }

    Object positionAt(int[] indices) {
        return kind == Kind.FIXED ? positions[0] : positions[indices[dimension]];
    }

    boolean isMoved() {
        return kind == Kind.DIMENSION || kind == Kind.FIXED || kind == Kind.LINE;
    }
}
