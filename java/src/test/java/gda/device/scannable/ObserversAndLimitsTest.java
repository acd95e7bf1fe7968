package gda.device.scannable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gda.device.DeviceException;
import gda.observable.IObserver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObserversAndLimitsTest {
    @Test
    void notifyIObserversTellsEachObserverOnceInOrder() {
        DummyScannable x = new DummyScannable("x", 0.0);
        List<String> told = new ArrayList<>();
        IObserver first = (source, change) -> told.add("first " + ((DummyScannable) source).getName() + " " + change);
        IObserver second = (source, change) -> told.add("second " + change);
        x.addIObserver(first);
        x.addIObserver(second);
        x.addIObserver(first);
        assertTrue(x.isBeingObserved());
        x.notifyIObservers(x, "moved");
        assertEquals(List.of("first x moved", "second moved"), told);
        x.deleteIObserver(first);
        x.notifyIObservers(x, 2.0);
        assertEquals("second 2.0", told.get(2));
        x.deleteIObservers();
        assertFalse(x.isBeingObserved());
    }

    @Test
    void aFailingObserverDoesNotSilenceTheOthers() {
        DummyScannable x = new DummyScannable("x", 0.0);
        List<Object> told = new ArrayList<>();
        x.addIObserver((s, c) -> {
            throw new IllegalStateException("observer broke");
        });
        x.addIObserver((s, c) -> told.add(c));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> x.notifyIObservers(x, "c"));
        assertEquals("observer broke", e.getMessage());
        assertEquals(List.of("c"), told);
    }

    @Test
    void aNonNumericPositionIsRefusedOnlyWhenLimitsAreSet() throws Exception {
        DummyScannable x = new DummyScannable("x", 0.0);
        assertNull(x.checkPositionValid("open"));
        x.setUpperGdaLimits(10.0);
        assertEquals("x: position 'open' is not a number; it cannot be checked against the limits (:10.0)",
                x.checkPositionValid("open"));
        DeviceException e = assertThrows(DeviceException.class, () -> x.asynchronousMoveTo("open"));
        assertEquals("x: position 'open' is not a number; it cannot be checked against the limits (:10.0)",
                e.getMessage());
        assertNull(x.checkPositionValid(5.0));
    }
}
