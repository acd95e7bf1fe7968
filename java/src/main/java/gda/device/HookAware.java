package gda.device;

import java.util.Set;

/**
 * Implemented by devices that can say which scan hooks they really override, so the engine
 * skips the others. Each call into a Python device crosses the JVM boundary; skipping empty
 * hooks saves those crossings at every point. Devices that do not implement it get every hook.
 */
public interface HookAware {
    /** Names of the Scannable/Detector hook methods that do something (e.g. "atPointStart"). */
    Set<String> implementedHooks();
}
