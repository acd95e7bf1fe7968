package gda.util;

import java.util.ArrayList;
import java.util.List;

/**
 * GDA's PyStringToJava: turns the printed form of a Python list of tuples of strings, e.g.
 * {@code [('a', "it's"), ('b', 'c')]}, back into lists of strings. Inside a quoted string a
 * backslash before its own quote mark stands for that mark; any other backslash is kept. Items that
 * are not quoted strings are skipped, as in GDA. Text that is not such a list (an unclosed quote
 * or bracket) is an error naming the input, not a partial answer.
 */
public final class PyStringToJava {
    private PyStringToJava() {
    }

    public static List<List<String>> ListOfTuplesToJava(String input) { // GDA's spelling
        List<List<String>> result = new ArrayList<>();
        String text = input == null ? "" : input.trim();
        if (text.length() < 2) {
            return result;
        }
        if (text.charAt(0) != '[' || text.charAt(text.length() - 1) != ']') {
            throw new IllegalArgumentException("PyStringToJava: " + input + " is not a list (no [ ])");
        }
        List<String> tuple = null;
        int i = 1;
        int end = text.length() - 1;
        while (i < end) {
            char c = text.charAt(i);
            if (c == '(') {
                if (tuple != null) {
                    throw new IllegalArgumentException("PyStringToJava: nested tuple at " + i + " in " + input);
                }
                tuple = new ArrayList<>();
                i++;
            } else if (c == ')') {
                if (tuple == null) {
                    throw new IllegalArgumentException("PyStringToJava: ')' without '(' at " + i + " in " + input);
                }
                result.add(tuple);
                tuple = null;
                i++;
            } else if ((c == '\'' || c == '"') && tuple != null) {
                StringBuilder s = new StringBuilder();
                i = readQuoted(text, i, end, s, input);
                tuple.add(s.toString());
            } else {
                i++;
            }
        }
        if (tuple != null) {
            throw new IllegalArgumentException("PyStringToJava: unclosed tuple in " + input);
        }
        return result;
    }

    /** Reads the string whose opening quote is at {@code start}; returns the index after it. */
    private static int readQuoted(String text, int start, int end, StringBuilder out, String input) {
        char quote = text.charAt(start);
        int i = start + 1;
        while (i < end) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < end) {
                char next = text.charAt(i + 1);
                if (next != quote) {
                    out.append(c);
                }
                out.append(next);
                i += 2;
            } else if (c == quote) {
                return i + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        throw new IllegalArgumentException("PyStringToJava: unclosed quote at " + start + " in " + input);
    }
}
