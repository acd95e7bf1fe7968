package gda.scan;

import gda.device.HookAware;
import gda.device.Scannable;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The optional device hooks, as bits, and which of them a device wants. A device implementing
 * {@link HookAware} gets only the hooks it lists; any other device gets all of them. Asked once per
 * command (a scan, a pos), never per point.
 */
public final class Hooks {
    public static final int AT_SCAN_START = 1;
    public static final int AT_SCAN_END = 1 << 1;
    public static final int AT_SCAN_LINE_START = 1 << 2;
    public static final int AT_SCAN_LINE_END = 1 << 3;
    public static final int AT_POINT_START = 1 << 4;
    public static final int AT_POINT_END = 1 << 5;
    public static final int AT_LEVEL_START = 1 << 6;
    public static final int AT_LEVEL_MOVE_START = 1 << 7;
    public static final int AT_LEVEL_END = 1 << 8;
    public static final int AT_COMMAND_FAILURE = 1 << 9;
    public static final int PREPARE_FOR_COLLECTION = 1 << 10;
    public static final int END_COLLECTION = 1 << 11;
    public static final int ALL = (1 << 12) - 1;

    private static final String[] NAMES = {
        "atScanStart", "atScanEnd", "atScanLineStart", "atScanLineEnd", "atPointStart", "atPointEnd",
        "atLevelStart", "atLevelMoveStart", "atLevelEnd", "atCommandFailure", "prepareForCollection",
        "endCollection",
    };
    private static final Logger LOG = Logger.getLogger("gda.scan");

    private Hooks() {
    }

    /** The bit for a hook method name, or 0 if it is not one of the optional hooks. */
    public static int bitOf(String methodName) {
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equals(methodName)) {
                return 1 << i;
            }
        }
        return 0;
    }

    /** The hooks {@code device} wants called: those it lists if it is HookAware, else all. */
    public static int maskOf(Scannable device) {
        if (!(device instanceof HookAware aware)) {
            return ALL;
        }
        Set<String> names;
        try {
            names = aware.implementedHooks();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, device.getName() + ": implementedHooks() failed; calling every hook", e);
            return ALL;
        }
        if (names == null) {
            return ALL;
        }
        int mask = 0;
        for (String name : names) {
            mask |= bitOf(name);
        }
        return mask;
    }
}
