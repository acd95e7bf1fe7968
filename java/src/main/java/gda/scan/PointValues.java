package gda.scan;

/**
 * Packs the numeric values of a data point into one double[], so a Python listener gets a whole
 * point in a single array copy instead of one boundary crossing per value.
 */
public final class PointValues {
    private PointValues() {
    }

    /**
     * Writes {@code widths[i]} values for device {@code i}: a Number gives one value, a double[] or
     * an Object[] of Numbers gives its elements; anything else (null, text, too few values) gives
     * NaN in the places it does not fill.
     */
    public static double[] flatten(Object[] positions, int[] widths) {
        int total = 0;
        for (int w : widths) {
            total += w;
        }
        double[] out = new double[total];
        java.util.Arrays.fill(out, Double.NaN);
        int at = 0;
        for (int i = 0; i < widths.length && i < positions.length; i++) {
            Object p = positions[i];
            int w = widths[i];
            if (p instanceof Number n) {
                if (w > 0) {
                    out[at] = n.doubleValue();
                }
            } else if (p instanceof double[] values) {
                System.arraycopy(values, 0, out, at, Math.min(w, values.length));
            } else if (p instanceof Object[] values) {
                for (int k = 0; k < Math.min(w, values.length); k++) {
                    if (values[k] instanceof Number n) {
                        out[at + k] = n.doubleValue();
                    }
                }
            }
            at += w;
        }
        return out;
    }
}
