package gda.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScanPlotSettingsTest {
    private static final List<String> MOVED = List.of("x", "y1", "y2");
    private static final List<String> FIELDS = List.of("x", "y1", "y2", "e", "det");

    @Test
    void defaultsAreGdasLastMovedFieldAgainstLastField() {
        ScanPlotSettings s = ScanPlotSettingsUtils.createSettings(MOVED, FIELDS, -1, List.of(-1), null);
        assertEquals("y2", s.getXAxisName());
        assertArrayEquals(new String[] {"det"}, s.getYAxesShown());
        assertNull(s.getYAxesNotShown());
        assertEquals(ScanPlotSettings.IGNORE, s.getUnlistedColumnBehaviour());
    }

    @Test
    void indicesCountFromEitherEndAndShownWinsOverHidden() {
        ScanPlotSettings s = ScanPlotSettingsUtils.createSettings(MOVED, FIELDS, 0, List.of(3, -1), List.of(-1, 1));
        assertEquals("x", s.getXAxisName());
        assertArrayEquals(new String[] {"e", "det"}, s.getYAxesShown());
        assertArrayEquals(new String[] {"y1"}, s.getYAxesNotShown());
    }

    @Test
    void anIndexOutsideTheFieldsIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScanPlotSettingsUtils.createSettings(MOVED, FIELDS, 3, null, null));
        assertEquals("ScanPlotSettings: x axis index 3 is outside the fields [x, y1, y2]", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ScanPlotSettingsUtils.createSettings(MOVED, FIELDS, null, List.of(-6), null));
    }

    @Test
    void equalityIsByContentAndArraysAreCopied() {
        String[] shown = {"det"};
        ScanPlotSettings a = new ScanPlotSettings();
        a.setXAxisName("x");
        a.setYAxesShown(shown);
        shown[0] = "changed";
        ScanPlotSettings b = ScanPlotSettingsUtils.createSettings(List.of("x"), List.of("x", "det"), -1, List.of(-1), null);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        b.setXMin(1.0);
        assertNotEquals(a, b);
        assertThrows(IllegalArgumentException.class, () -> a.setUnlistedColumnBehaviour(3));
        a.SetyAxesMapToUseSeparateYAxesForAll();
        assertEquals("det", a.getyAxesMap().get("det"));
    }
}
