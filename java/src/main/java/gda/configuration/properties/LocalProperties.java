package gda.configuration.properties;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * GDA's LocalProperties: named settings scripts read ({@code LocalProperties.get("gda.beamline.name")}).
 *
 * <p>GDA read them from java.properties files and the JVM's system properties; here the store is
 * the system properties alone (set them with {@link #set} or {@code -D} options). Backslashes in
 * values read back as forward slashes, as in GDA. A value that is not a number where one is asked
 * for is an error naming the property, never a silent default.
 */
public final class LocalProperties {
    public static final String GDA_ROOT = "gda.root";
    public static final String GDA_CONFIG = "gda.config";
    public static final String GDA_DATA = "gda.data";
    public static final String GDA_VAR_DIR = "gda.var";
    public static final String GDA_LOGS_DIR = "gda.logs.dir";
    public static final String GDA_DATAWRITER_DIR = "gda.data.scan.datawriter.datadir";
    public static final String GDA_DATA_SCAN_DATAWRITER_DATAFORMAT = "gda.data.scan.datawriter.dataFormat";
    public static final String GDA_DATA_NUMTRACKER = "gda.data.numtracker";
    public static final String GDA_DATA_NUMTRACKER_EXTENSION = "gda.data.numtracker.extension";
    public static final String GDA_BEAMLINE_NAME = "gda.beamline.name";
    public static final String GDA_INSTRUMENT = "gda.instrument";
    public static final String GDA_FACTORY_NAME = "gda.factory.factoryName";
    public static final String GDA_DEF_VISIT = "gda.defVisit";
    public static final String GDA_SCANNABLEBASE_POLLTIME = "gda.scannablebase.polltime.millis";
    public static final String GDA_SCAN_MULTITHREADED_SCANDATA_POINT_PIPElINE_LENGTH =
            "gda.scan.multithreadedScanDataPointPipeline.length";
    public static final String GDA_SCAN_MULTITHREADED_SCANDATA_POINT_PIPElINE_POINTS_TO_COMPUTE_SIMULTANEOUSELY =
            "gda.scan.multithreadedScanDataPointPipeline.pointsToComputeSimultaneousely";
    public static final String GDA_SCAN_CONCURRENTSCAN_READOUT_CONCURRENTLY = "gda.scan.concurrentScan.readoutConcurrently";

    /** Public, as GDA's was: old scripts call {@code LocalProperties().get(name)}. */
    public LocalProperties() {
    }

    /** The value, or null when it is not set. */
    public static String get(String name) {
        return get(name, null);
    }

    public static String get(String name, String defaultValue) {
        String value = System.getProperty(name);
        if (value == null) {
            return defaultValue;
        }
        return value.replace('\\', '/');
    }

    /** Whether the property is set at all. */
    public static boolean contains(String name) {
        return System.getProperty(name) != null;
    }

    public static void set(String name, String value) {
        if (value == null) {
            clearProperty(name);
        } else {
            System.setProperty(name, value);
        }
    }

    public static void clearProperty(String name) {
        System.clearProperty(name);
    }

    /** True for "true", "yes", "on" or "1" (any case); false when unset. */
    public static boolean check(String name) {
        return check(name, false);
    }

    public static boolean check(String name, boolean defaultValue) {
        String value = get(name);
        if (value == null) {
            return defaultValue;
        }
        String v = value.trim().toLowerCase();
        if (List.of("true", "yes", "on", "1").contains(v)) {
            return true;
        }
        if (List.of("false", "no", "off", "0").contains(v)) {
            return false;
        }
        throw new IllegalArgumentException("LocalProperties: " + name + " = '" + value + "' is not true or false");
    }

    public static int getInt(String name, int defaultValue) {
        Integer value = getAsInt(name);
        return value == null ? defaultValue : value;
    }

    /** The integer value, or null when unset. */
    public static Integer getAsInt(String name) {
        return getAsInt(name, null);
    }

    public static Integer getAsInt(String name, Integer defaultValue) {
        String value = get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("LocalProperties: " + name + " = '" + value + "' is not an integer", e);
        }
    }

    public static double getDouble(String name, double defaultValue) {
        String value = get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("LocalProperties: " + name + " = '" + value + "' is not a number", e);
        }
    }

    /** Space-separated integers, or null when unset. */
    public static List<Integer> getAsIntList(String name) {
        return getAsIntList(name, null);
    }

    public static List<Integer> getAsIntList(String name, Integer[] defaultValue) {
        String value = get(name);
        if (value == null) {
            return defaultValue == null ? null : new ArrayList<>(Arrays.asList(defaultValue));
        }
        List<Integer> out = new ArrayList<>();
        for (String part : value.trim().split("\\s+")) {
            if (part.isEmpty()) {
                continue;
            }
            try {
                out.add(Integer.valueOf(part));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("LocalProperties: " + name + " = '" + value
                        + "' is not a list of integers", e);
            }
        }
        return out;
    }

    /** Space- or comma-separated words, or the default when unset. */
    public static String[] getStringArray(String name, String[] defaultValue) {
        String value = get(name);
        if (value == null) {
            return defaultValue;
        }
        String trimmed = value.trim();
        return trimmed.isEmpty() ? new String[0] : trimmed.split("[\\s,]+");
    }

    public static String getConfigDir() {
        return get(GDA_CONFIG);
    }

    public static String getVarDir() {
        return get(GDA_VAR_DIR);
    }
}
