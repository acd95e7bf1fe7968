package gda.factory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * GDA's Finder: the process-wide registry of named objects the scripting namespace is built from.
 * Thread-safe; names keep their registration order. Registering a name again replaces the object.
 */
public final class Finder {
    private static final Map<String, Object> OBJECTS = new LinkedHashMap<>();

    private Finder() {
    }

    public static void register(String name, Object object) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Finder.register: a name is needed (got '" + name + "')");
        }
        if (object == null) {
            throw new IllegalArgumentException("Finder.register: object for '" + name + "' is null");
        }
        synchronized (OBJECTS) {
            OBJECTS.remove(name);
            OBJECTS.put(name, object);
        }
    }

    /**
     * The object registered as {@code name}.
     *
     * @throws NoSuchElementException naming the missing name
     */
    @SuppressWarnings("unchecked")
    public static <T> T find(String name) {
        Object found;
        synchronized (OBJECTS) {
            found = OBJECTS.get(name);
        }
        if (found == null) {
            throw new NoSuchElementException("Finder: no object named '" + name + "' is registered");
        }
        return (T) found;
    }

    @SuppressWarnings("unchecked")
    public static <T> Optional<T> findOptional(String name) {
        synchronized (OBJECTS) {
            return Optional.ofNullable((T) OBJECTS.get(name));
        }
    }

    /** Every registered name, in registration order. */
    public static List<String> listAllNames() {
        synchronized (OBJECTS) {
            return Collections.unmodifiableList(new ArrayList<>(OBJECTS.keySet()));
        }
    }

    /** Every registered object that is an instance of {@code type}, in registration order. */
    public static <T> List<T> listFindablesOfType(Class<T> type) {
        List<T> out = new ArrayList<>();
        synchronized (OBJECTS) {
            for (Object o : OBJECTS.values()) {
                if (type.isInstance(o)) {
                    out.add(type.cast(o));
                }
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Names registered with an instance of {@code type}, in registration order. */
    public static List<String> listNamesOfType(Class<?> type) {
        List<String> out = new ArrayList<>();
        synchronized (OBJECTS) {
            for (Map.Entry<String, Object> e : OBJECTS.entrySet()) {
                if (type.isInstance(e.getValue())) {
                    out.add(e.getKey());
                }
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Removes {@code name}; returns the object that was registered, or null. */
    public static Object remove(String name) {
        synchronized (OBJECTS) {
            return OBJECTS.remove(name);
        }
    }

    public static void clear() {
        synchronized (OBJECTS) {
            OBJECTS.clear();
        }
    }
}
