package gda.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class PyStringToJavaTest {
    @Test
    void listsOfTuplesOfStringsComeBack() {
        assertEquals(List.of(List.of("1", "2"), List.of("3")), PyStringToJava.ListOfTuplesToJava("[('1', '2'), ('3',)]"));
        assertEquals(List.of(), PyStringToJava.ListOfTuplesToJava("[]"));
    }

    @Test
    void quotesBracketsAndEscapesInsideStringsAreKept() {
        String printed = "[(\"it's (a)\", 'say \\'hi\\'', 'back\\\\n'), ('x', 3, 'y')]";
        assertEquals(List.of(List.of("it's (a)", "say 'hi'", "back\\\\n"), List.of("x", "y")),
                PyStringToJava.ListOfTuplesToJava(printed));
    }

    @Test
    void textThatIsNotAListOfTuplesIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PyStringToJava.ListOfTuplesToJava("[('a', 'b]"));
        assertEquals("PyStringToJava: unclosed quote at 7 in [('a', 'b]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PyStringToJava.ListOfTuplesToJava("('a')"));
        assertThrows(IllegalArgumentException.class, () -> PyStringToJava.ListOfTuplesToJava("[('a'"));
    }
}
