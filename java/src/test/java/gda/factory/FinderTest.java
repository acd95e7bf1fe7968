package gda.factory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gda.device.Scannable;
import gda.device.scannable.DummyScannable;
import gda.device.sim.SimMotor;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FinderTest {
    @AfterEach
    void clear() {
        Finder.clear();
    }

    @Test
    void registersFindsListsAndRemoves() {
        DummyScannable x = new DummyScannable("x");
        SimMotor m = new SimMotor("m");
        Finder.register("x", x);
        Finder.register("m", m);
        Finder.register("note", "not a scannable");
        assertSame(x, Finder.find("x"));
        assertEquals(List.of("x", "m", "note"), Finder.listAllNames());
        assertEquals(List.of(x, m), Finder.listFindablesOfType(Scannable.class));
        assertEquals(List.of(m), Finder.listFindablesOfType(SimMotor.class));
        assertTrue(Finder.findOptional("nothing").isEmpty());
        assertSame(x, Finder.remove("x"));
        NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> Finder.find("x"));
        assertEquals("Finder: no object named 'x' is registered", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Finder.register("", x));
        assertThrows(IllegalArgumentException.class, () -> Finder.register("y", null));
    }

    @Test
    void reRegisteringReplaces() {
        Finder.register("x", new DummyScannable("x"));
        DummyScannable other = new DummyScannable("x");
        Finder.register("x", other);
        assertSame(other, Finder.find("x"));
        assertEquals(1, Finder.listAllNames().size());
    }
}
