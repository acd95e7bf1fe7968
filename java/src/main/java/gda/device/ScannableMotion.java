package gda.device;

/** A Scannable with limits, offset, scaling and tolerance (GDA's ScannableMotion). */
public interface ScannableMotion extends Scannable {
    Double[] getLowerGdaLimits();

    void setLowerGdaLimits(Double[] limits);

    void setLowerGdaLimits(Double limit);

    Double[] getUpperGdaLimits();

    void setUpperGdaLimits(Double[] limits);

    void setUpperGdaLimits(Double limit);

    Double[] getOffset();

    void setOffset(Double... offset);

    Double[] getScalingFactor();

    void setScalingFactor(Double... factor);

    Double[] getTolerances();

    void setTolerances(Double[] tolerances);

    int getNumberTries();

    void setNumberTries(int tries);

    boolean isAt(Object position) throws DeviceException;
}
