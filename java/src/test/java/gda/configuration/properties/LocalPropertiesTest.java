package gda.configuration.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LocalPropertiesTest {
    private static final String NAME = "gda.test.localproperties";

    @AfterEach
    void clear() {
        LocalProperties.clearProperty(NAME);
    }

    @Test
    void unsetPropertiesGiveTheDefault() {
        assertNull(LocalProperties.get(NAME));
        assertEquals("d", LocalProperties.get(NAME, "d"));
        assertFalse(LocalProperties.check(NAME));
        assertTrue(LocalProperties.check(NAME, true));
        assertEquals(4, LocalProperties.getInt(NAME, 4));
        assertNull(LocalProperties.getAsIntList(NAME));
        assertEquals(List.of(-1), LocalProperties.getAsIntList(NAME, new Integer[] {-1}));
        assertFalse(LocalProperties.contains(NAME));
    }

    @Test
    void setValuesAreReadBackTyped() {
        LocalProperties.set(NAME, "C:\\data\\i99");
        assertEquals("C:/data/i99", LocalProperties.get(NAME));
        LocalProperties.set(NAME, " 0 2  -1 ");
        assertEquals(List.of(0, 2, -1), LocalProperties.getAsIntList(NAME));
        LocalProperties.set(NAME, "True");
        assertTrue(LocalProperties.check(NAME));
        LocalProperties.set(NAME, "12");
        assertEquals(12, LocalProperties.getInt(NAME, 0));
        assertEquals(12.0, LocalProperties.getDouble(NAME, 0.0));
        LocalProperties.set(NAME, null);
        assertFalse(LocalProperties.contains(NAME));
    }

    @Test
    void aValueOfTheWrongKindIsAnErrorNamingTheProperty() {
        LocalProperties.set(NAME, "lots");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LocalProperties.getInt(NAME, 3));
        assertEquals("LocalProperties: gda.test.localproperties = 'lots' is not an integer", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LocalProperties.check(NAME));
        assertThrows(IllegalArgumentException.class, () -> LocalProperties.getAsIntList(NAME));
    }
}
