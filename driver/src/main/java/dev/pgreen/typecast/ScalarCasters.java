package dev.pgreen.typecast;

import dev.pgreen.errors.DataException;

import java.math.BigDecimal;
import java.util.HexFormat;

/** Casters for booleans, numbers and bytea. */
final class ScalarCasters {
    private ScalarCasters() {}

    static Boolean bool(String s) {
        return switch (s) {
            case "t" -> Boolean.TRUE;
            case "f" -> Boolean.FALSE;
            default -> throw new DataException("invalid boolean value from the server: \"" + s + "\"");
        };
    }

    static Object numeric(String s) {
        return switch (s) {
            case "NaN" -> Double.NaN;
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield new BigDecimal(s);
                } catch (NumberFormatException e) {
                    throw new DataException("invalid numeric value from the server: \"" + s + "\"", e);
                }
            }
        };
    }

    static Double float8(String s) {
        return switch (s) {
            case "NaN" -> Double.NaN;
            case "Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.valueOf(s);
                } catch (NumberFormatException e) {
                    throw new DataException("invalid float value from the server: \"" + s + "\"", e);
                }
            }
        };
    }

    /** bytea in the hex format ({@code \x00ff}) or the older escape format. */
    static byte[] bytea(String s) {
        try {
            return byteaUnchecked(s);
        } catch (IllegalArgumentException e) { // NumberFormatException too
            throw new DataException("invalid bytea value from the server", e);
        }
    }

    private static byte[] byteaUnchecked(String s) {
        if (s.startsWith("\\x")) {
            return HexFormat.of().parseHex(s, 2, s.length());
        }
        byte[] out = new byte[s.length()];
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out[n++] = (byte) c;
            } else if (i + 1 < s.length() && s.charAt(i + 1) == '\\') {
                out[n++] = '\\';
                i++;
            } else if (i + 3 < s.length()) {
                out[n++] = (byte) Integer.parseInt(s, i + 1, i + 4, 8);
                i += 3;
            } else {
                throw new DataException("invalid bytea value from the server");
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }
}
