package gda.scan;

import java.util.ArrayList;
import java.util.List;

/** Builds {@link ScanPlotSettings} from field indices, as GDA's ScannableCommands does. */
public final class ScanPlotSettingsUtils {
    private ScanPlotSettingsUtils() {
    }

    /**
     * Settings whose x axis is {@code fieldsToChange[xAxisIndex]} and whose y axes are
     * {@code fields[i]} for the shown and hidden indices; a negative index counts from the end
     * (-1 is the last), and a null index or list leaves that part unset. A field asked to be both
     * shown and hidden is shown.
     *
     * @param fieldsToChange the input fields of the scannables the scan moves over
     * @param fields the input and extra fields of every scannable and detector of the scan
     * @throws IllegalArgumentException for an index outside its list, naming it and the list
     */
    public static ScanPlotSettings createSettings(List<String> fieldsToChange, List<String> fields,
            Integer xAxisIndex, List<Integer> yAxesShownIndices, List<Integer> yAxesNotShownIndices) {
        ScanPlotSettings settings = new ScanPlotSettings();
        if (xAxisIndex != null) {
            settings.setXAxisName(pick(fieldsToChange, xAxisIndex, "x axis"));
        }
        List<String> shown = null;
        if (yAxesShownIndices != null) {
            shown = new ArrayList<>();
            for (int i : yAxesShownIndices) {
                shown.add(pick(fields, i, "y axis"));
            }
            settings.setYAxesShown(shown.toArray(new String[0]));
        }
        if (yAxesNotShownIndices != null) {
            List<String> hidden = new ArrayList<>();
            for (int i : yAxesNotShownIndices) {
                String field = pick(fields, i, "hidden y axis");
                if (shown == null || !shown.contains(field)) {
                    hidden.add(field);
                }
            }
            settings.setYAxesNotShown(hidden.toArray(new String[0]));
        }
        return settings;
    }

    private static String pick(List<String> names, int index, String what) {
        int at = index >= 0 ? index : names.size() + index;
        if (at < 0 || at >= names.size()) {
            throw new IllegalArgumentException("ScanPlotSettings: " + what + " index " + index
                    + " is outside the fields " + names);
        }
        return names.get(at);
    }
}
