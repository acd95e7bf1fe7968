package gda.scan;

import java.util.List;

/**
 * An explicit list of positions for one scannable ({@code scan x (0, 1, 5)}); each element is
 * one point's position (a Double, or a double[] for a multi-field scannable). A plain double[]
 * argument, by contrast, is one multi-field value.
 */
public record PositionList(List<Object> positions) {
    public PositionList {
        positions = List.copyOf(positions);
    }

    public static PositionList of(Object... positions) {
        return new PositionList(List.of(positions));
    }
}
