package gda.scan;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * GDA's ScanPlotSettings: which field of a scan is its x axis and which fields are plotted, shown
 * or hidden. gdascripts' scan wrappers make one per scan ({@code createScanPlotSettings(scan)}) and
 * its processors read the x axis and the last shown y axis from it. A null list means "not set".
 */
public class ScanPlotSettings {
    /** Values of {@link #getUnlistedColumnBehaviour()}: plot fields named in neither list... */
    public static final int PLOT = 0;
    /** ...plot them but hide them... */
    public static final int PLOT_NOT_VISIBLE = 1;
    /** ...or leave them out (the default). */
    public static final int IGNORE = 2;

    private String xAxisName;
    private String[] yAxesShown;
    private String[] yAxesNotShown;
    private Double xMin;
    private Double xMax;
    private boolean ignore;
    private int unlistedColumnBehaviour = IGNORE;
    private boolean allowUseOfPreviousScanSettings = true;
    private Map<String, String> yAxesMap;

    public String getXAxisName() {
        return xAxisName;
    }

    public void setXAxisName(String name) {
        xAxisName = name;
    }

    public String[] getYAxesShown() {
        return yAxesShown;
    }

    public void setYAxesShown(String[] names) {
        yAxesShown = names == null ? null : names.clone();
    }

    public String[] getYAxesNotShown() {
        return yAxesNotShown;
    }

    public void setYAxesNotShown(String[] names) {
        yAxesNotShown = names == null ? null : names.clone();
    }

    public Double getXMin() {
        return xMin;
    }

    public void setXMin(Double min) {
        xMin = min;
    }

    public Double getXMax() {
        return xMax;
    }

    public void setXMax(Double max) {
        xMax = max;
    }

    public boolean isIgnore() {
        return ignore;
    }

    public void setIgnore(boolean ignore) {
        this.ignore = ignore;
    }

    public int getUnlistedColumnBehaviour() {
        return unlistedColumnBehaviour;
    }

    public void setUnlistedColumnBehaviour(int behaviour) {
        if (behaviour < PLOT || behaviour > IGNORE) {
            throw new IllegalArgumentException("ScanPlotSettings: unlisted column behaviour " + behaviour
                    + " is not PLOT (0), PLOT_NOT_VISIBLE (1) or IGNORE (2)");
        }
        unlistedColumnBehaviour = behaviour;
    }

    public boolean isAllowUseOfPreviousScanSettings() {
        return allowUseOfPreviousScanSettings;
    }

    public void setAllowUseOfPreviousScanSettings(boolean allow) {
        allowUseOfPreviousScanSettings = allow;
    }

    /** Which y axis each plotted field uses (field name to axis name), or null for one axis. */
    public Map<String, String> getyAxesMap() {
        return yAxesMap;
    }

    public void setyAxesMap(Map<String, String> map) {
        yAxesMap = map;
    }

    /** Give every listed field its own y axis. */
    public void SetyAxesMapToUseSeparateYAxesForAll() { // GDA's spelling
        Map<String, String> map = new HashMap<>();
        for (String[] names : new String[][] {yAxesShown, yAxesNotShown}) {
            if (names != null) {
                for (String n : names) {
                    map.put(n, n);
                }
            }
        }
        yAxesMap = map;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof ScanPlotSettings o)) {
            return false;
        }
        return ignore == o.ignore && unlistedColumnBehaviour == o.unlistedColumnBehaviour
                && Objects.equals(xAxisName, o.xAxisName) && Objects.equals(xMin, o.xMin)
                && Objects.equals(xMax, o.xMax) && Arrays.equals(yAxesShown, o.yAxesShown)
                && Arrays.equals(yAxesNotShown, o.yAxesNotShown);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ignore, unlistedColumnBehaviour, xAxisName, xMin, xMax,
                Arrays.hashCode(yAxesShown), Arrays.hashCode(yAxesNotShown));
    }

    private static String joined(String[] names) {
        return names == null ? "null" : String.join(",", names);
    }

    @Override
    public String toString() {
        return "xAxis = " + xAxisName + ", yAxesShown = " + joined(yAxesShown) + ", yAxesNotShown = "
                + joined(yAxesNotShown) + ", xMin = " + xMin + ", xMax = " + xMax + ", unlisted columns: "
                + unlistedColumnBehaviour;
    }
}
