package gda.scan;

import gda.device.Scannable;
import java.math.BigDecimal;
import java.math.BigInteger;

/** Rebuilds command text from arguments, writing numbers as Python prints them (1.0, 0.1, 1e-05). */
public final class CommandText {
    private CommandText() {
    }

    /** One argument: a device by name, a number, [a, b] for a double[], (a, b) for a PositionList. */
    public static String token(Object arg) {
        if (arg == null) {
            return "None";
        }
        if (arg instanceof Scannable s) {
            return s.getName();
        }
        if (arg instanceof Number n) {
            return number(n);
        }
        if (arg instanceof String s) {
            return "'" + s + "'";
        }
        if (arg instanceof double[] values) {
            StringBuilder out = new StringBuilder("[");
            for (int i = 0; i < values.length; i++) {
                out.append(i == 0 ? "" : ", ").append(number(values[i]));
            }
            return out.append(']').toString();
        }
        if (arg instanceof PositionList list) {
            StringBuilder out = new StringBuilder("(");
            for (int i = 0; i < list.positions().size(); i++) {
                out.append(i == 0 ? "" : ", ").append(token(list.positions().get(i)));
            }
            return out.append(list.positions().size() == 1 ? ",)" : ")").toString();
        }
        if (arg instanceof Object[] values) {
            StringBuilder out = new StringBuilder("[");
            for (int i = 0; i < values.length; i++) {
                out.append(i == 0 ? "" : ", ").append(token(values[i]));
            }
            return out.append(']').toString();
        }
        return arg.toString();
    }

    /** Integers as integers; floating point as Python's repr does it. */
    public static String number(Number n) {
        if (n instanceof Double || n instanceof Float) {
            return number(n.doubleValue());
        }
        if (n instanceof BigDecimal d) {
            return d.toString();
        }
        if (n instanceof BigInteger || n instanceof Long || n instanceof Integer || n instanceof Short
                || n instanceof Byte) {
            return n.toString();
        }
        return number(n.doubleValue());
    }

    public static String number(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0.0) {
            return 1.0 / d < 0 ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        String digits = exact.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - exact.scale();
        String sign = d < 0 ? "-" : "";
        if (exponent >= -4 && exponent < 16) {
            String plain = exact.abs().toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String exp = String.format("%02d", Math.abs(exponent));
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp;
    }
}
