package dev.pgreen.typecast;

import static dev.pgreen.typecast.Text.bad;
import static dev.pgreen.typecast.BinaryResults.badBinary;
import static dev.pgreen.typecast.BinaryResults.u16;
import static dev.pgreen.typecast.Text.is;

import dev.pgreen.errors.DataException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Casters for booleans, numbers, bytea and uuid. They read the value's bytes in place: no intermediate String,
 * no regular expression; an int, a numeric of up to 36 digits or a uuid allocates only its result.
 */
final class ScalarCasters {
    static final long[] POW10 = new long[19];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) POW10[i] = POW10[i - 1] * 10;
    }

    private ScalarCasters() {}

    // ---- bool ----

    static Boolean bool(String s) {
        byte[] b = Text.utf8(s);
        return bool(b, 0, b.length);
    }

    static Boolean bool(byte[] b, int off, int len) {
        if (len == 1) {
            if (b[off] == 't') return Boolean.TRUE;
            if (b[off] == 'f') return Boolean.FALSE;
        }
        throw bad("boolean", b, off, len);
    }

    // ---- integers ----

    static Integer int4(byte[] b, int off, int len) {
        return (int) integer(b, off, len, Integer.MIN_VALUE, Integer.MAX_VALUE, "integer");
    }

    static Long int8(byte[] b, int off, int len) {
        return integer(b, off, len, Long.MIN_VALUE, Long.MAX_VALUE, "bigint");
    }

    /** A decimal integer in [min, max], accumulated negatively as Long.parseLong does, so that MIN fits. */
    static long integer(byte[] b, int off, int len, long min, long max, String type) {
        int i = off;
        int end = off + len;
        if (len <= 0) throw bad(type, b, off, len);
        boolean negative = false;
        byte first = b[i];
        if (first == '-' || first == '+') {
            negative = first == '-';
            if (++i == end) throw bad(type, b, off, len);
        }
        long limit = negative ? min : -max;
        long multmin = limit / 10;
        long result = 0;
        for (; i < end; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9 || result < multmin) throw bad(type, b, off, len);
            result *= 10;
            if (result < limit + d) throw bad(type, b, off, len);
            result -= d;
        }
        return negative ? result : -result;
    }

    /** NaN, Infinity or -Infinity, as numeric, float4 and float8 write them; null for any other value. */
    private static Double specialFloat(byte[] b, int off, int len) {
        return switch (len) {
            case 3 -> is(b, off, len, "NaN") ? Double.NaN : null;
            case 8 -> is(b, off, len, "Infinity") ? Double.POSITIVE_INFINITY : null;
            case 9 -> is(b, off, len, "-Infinity") ? Double.NEGATIVE_INFINITY : null;
            default -> null;
        };
    }

    // ---- numeric ----

    static Object numeric(String s) {
        byte[] b = Text.utf8(s);
        return numeric(b, 0, b.length);
    }

    /**
     * numeric: a BigDecimal with the server's scale ("1.10" keeps two digits); NaN and ±Infinity as Doubles.
     * Up to 18 significant digits build the BigDecimal from a long, up to 36 from a 128-bit magnitude; longer
     * values (and forms the server does not send, such as exponents) go through {@code new BigDecimal(String)}.
     */
    static Object numeric(byte[] b, int off, int len) {
        Double special = specialFloat(b, off, len);
        if (special != null) return special;
        int i = off;
        int end = off + len;
        boolean negative = false;
        if (i < end && (b[i] == '-' || b[i] == '+')) {
            negative = b[i] == '-';
            i++;
        }
        // The common case first: at most 18 digits in all, which a long holds whatever the leading zeros.
        int digits = 0;
        int scale = 0;
        long v = 0;
        for (int k = i; k < end; k++) {
            int d = b[k] - '0';
            if (d >= 0 && d <= 9) {
                v = v * 10 + d;
                digits++;
            } else if (b[k] == '.' && scale == 0 && k + 1 < end) {
                scale = end - k - 1; // the rest must be digits, or the loop leaves for the slow path
            } else {
                return slowNumeric(b, off, len);
            }
        }
        if (digits == 0) throw bad("numeric", b, off, len);
        if (digits <= 18) {
            return BigDecimal.valueOf(negative ? -v : v, scale);
        }
        return wideNumeric(b, off, len, i, negative, scale);
    }

    /** 19 digits or more: two longs of 18 significant digits, then a 128-bit magnitude. */
    private static Object wideNumeric(byte[] b, int off, int len, int i, boolean negative, int scale) {
        int end = off + len;
        long hi = 0;       // the first 18 significant digits
        long lo = 0;       // the next 18
        int loDigits = 0;
        int significant = 0;
        for (; i < end; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) continue; // the point: the fast loop checked the shape and counted the scale
            if (significant == 0 && d == 0) continue;
            if (significant < 18) {
                hi = hi * 10 + d;
            } else if (significant < 36) {
                lo = lo * 10 + d;
                loDigits++;
            } else {
                return slowNumeric(b, off, len);
            }
            significant++;
        }
        if (loDigits == 0) {
            return BigDecimal.valueOf(negative ? -hi : hi, scale);
        }
        return decimal(hi, POW10[loDigits], lo, negative, scale);
    }

    /**
     * {@code ±(hi * p + lo)} with {@code scale}, where {@code hi} and {@code lo} are below 10^18 and {@code p} a
     * power of ten up to 10^18: a long when it fits, else a 128-bit magnitude.
     */
    static BigDecimal decimal(long hi, long p, long lo, boolean negative, int scale) {
        if (hi <= (Long.MAX_VALUE - lo) / p) {
            long v = hi * p + lo;
            return BigDecimal.valueOf(negative ? -v : v, scale);
        }
        // hi * p + lo as an unsigned 128-bit number; both factors are below 2^63, so multiplyHigh is exact.
        long high = Math.multiplyHigh(hi, p);
        long low = hi * p;
        long sum = low + lo;
        if (Long.compareUnsigned(sum, low) < 0) high++;
        byte[] magnitude = new byte[16];
        for (int k = 0; k < 8; k++) {
            magnitude[k] = (byte) (high >>> (56 - 8 * k));
            magnitude[8 + k] = (byte) (sum >>> (56 - 8 * k));
        }
        return new BigDecimal(new BigInteger(negative ? -1 : 1, magnitude), scale);
    }

    private static final int NUMERIC_POS = 0x0000, NUMERIC_NEG = 0x4000, NUMERIC_NAN = 0xC000,
            NUMERIC_PINF = 0xD000, NUMERIC_NINF = 0xF000;

    /**
     * numeric in the binary format (numeric_send): digit count, weight, sign and display scale as 16-bit
     * integers, then base-10000 digits, the first of weight {@code weight}. The result equals what
     * {@link #numeric(byte[], int, int)} makes of the text: the scale is the display scale, which is how many
     * digits numeric_out writes after the point (trailing zeros included); NaN and ±Infinity are Doubles.
     */
    static Object numericBinary(byte[] b, int off, int len) {
        if (len < 8) throw badBinary("numeric", len);
        int ndigits = u16(b, off);
        int weight = (short) u16(b, off + 2);
        int sign = u16(b, off + 4);
        int dscale = u16(b, off + 6);
        switch (sign) {
            case NUMERIC_NAN -> { return Double.NaN; }
            case NUMERIC_PINF -> { return Double.POSITIVE_INFINITY; }
            case NUMERIC_NINF -> { return Double.NEGATIVE_INFINITY; }
            case NUMERIC_POS, NUMERIC_NEG -> { }
            default -> throw badBinary("numeric", len);
        }
        if (len != 8 + 2 * ndigits) throw badBinary("numeric", len);
        boolean negative = sign == NUMERIC_NEG;
        // The digits as an integer, then their scale: the last digit's weight is weight - (ndigits - 1).
        int scale = 4 * (ndigits - 1 - weight);
        BigDecimal v;
        if (ndigits <= 8) {
            // Up to 32 decimal digits: at most 4 base-10000 digits (below 10^16) on each side.
            int split = Math.max(0, ndigits - 4);
            long hi = 0;
            long lo = 0;
            for (int i = 0; i < split; i++) hi = hi * 10000 + digit(b, off, i);
            for (int i = split; i < ndigits; i++) lo = lo * 10000 + digit(b, off, i);
            v = decimal(hi, POW10[4 * (ndigits - split)], lo, negative, scale);
        } else {
            BigInteger n = BigInteger.ZERO;
            BigInteger base = BigInteger.valueOf(10000);
            for (int i = 0; i < ndigits; i++) n = n.multiply(base).add(BigInteger.valueOf(digit(b, off, i)));
            v = new BigDecimal(negative ? n.negate() : n, scale);
        }
        // numeric_out writes dscale digits after the point: the digit group's padding zeros go, zeros come.
        return scale == dscale ? v : v.setScale(dscale, java.math.RoundingMode.DOWN);
    }

    private static int digit(byte[] b, int off, int i) {
        int d = u16(b, off + 8 + 2 * i);
        if (d > 9999) throw badBinary("numeric", -1);
        return d;
    }

    private static BigDecimal slowNumeric(byte[] b, int off, int len) {
        try {
            return new BigDecimal(new String(b, off, len, StandardCharsets.ISO_8859_1));
        } catch (NumberFormatException e) {
            throw bad("numeric", b, off, len, e);
        }
    }

    // ---- float4, float8 ----

    static Double float8(String s) {
        byte[] b = Text.utf8(s);
        return float8(b, 0, b.length);
    }

    static Double float8(byte[] b, int off, int len) {
        Double special = specialFloat(b, off, len);
        if (special != null) return special;
        try {
            // Correct rounding of decimal to binary is the JDK's business; the String is Latin-1, one byte a char.
            return Double.valueOf(new String(b, off, len, StandardCharsets.ISO_8859_1));
        } catch (NumberFormatException e) {
            throw bad("float", b, off, len, e);
        }
    }

    // ---- bytea ----

    /**
     * bytea in the hex format ({@code \x00ff}, either case) or the older escape format ({@code \\}, {@code \ooo},
     * and, as psycopg2 reads it, a backslash before any other non-digit character for that character).
     */
    static byte[] bytea(String s) {
        byte[] b = Text.utf8(s);
        return bytea(b, 0, b.length);
    }

    static byte[] bytea(byte[] b, int off, int len) {
        if (len >= 2 && b[off] == '\\' && b[off + 1] == 'x') {
            int n = len - 2;
            if ((n & 1) != 0) throw badBytea();
            byte[] out = new byte[n / 2];
            for (int i = 0, j = off + 2; i < out.length; i++, j += 2) {
                int h = hex(b[j]);
                int l = hex(b[j + 1]);
                if ((h | l) < 0) throw badBytea();
                out[i] = (byte) (h << 4 | l);
            }
            return out;
        }
        byte[] out = new byte[len];
        int n = 0;
        int end = off + len;
        for (int i = off; i < end; i++) {
            byte c = b[i];
            if (c != '\\') {
                out[n++] = c;
            } else if (i + 1 < end && b[i + 1] == '\\') {
                out[n++] = '\\';
                i++;
            } else if (i + 3 < end && octal(b[i + 1]) >= 0 && octal(b[i + 1]) <= 3 && octal(b[i + 2]) >= 0
                    && octal(b[i + 3]) >= 0) {
                out[n++] = (byte) (octal(b[i + 1]) << 6 | octal(b[i + 2]) << 3 | octal(b[i + 3]));
                i += 3;
            } else if (i + 1 < end && (b[i + 1] < '0' || b[i + 1] > '9')) {
                // As psycopg2's parser: a backslash before any other non-digit stands for that character.
                out[n++] = b[++i];
            } else {
                throw badBytea();
            }
        }
        return n == len ? out : java.util.Arrays.copyOf(out, n);
    }

    private static DataException badBytea() {
        return new DataException("invalid bytea value from the server");
    }

    static int hex(byte c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    private static int octal(byte c) {
        return c >= '0' && c <= '7' ? c - '0' : -1;
    }

    // ---- uuid ----

    /** The canonical form the server sends (8-4-4-4-12 hex digits); anything else as UUID.fromString reads it. */
    static UUID uuid(byte[] b, int off, int len) {
        if (len == 36 && b[off + 8] == '-' && b[off + 13] == '-' && b[off + 18] == '-' && b[off + 23] == '-') {
            long msb = 0;
            long lsb = 0;
            boolean ok = true;
            for (int i = 0; i < 36 && ok; i++) {
                if (i == 8 || i == 13 || i == 18 || i == 23) continue;
                int h = hex(b[off + i]);
                ok = h >= 0;
                if (i < 18) {
                    msb = msb << 4 | h;
                } else {
                    lsb = lsb << 4 | h;
                }
            }
            if (ok) return new UUID(msb, lsb);
        }
        try {
            return UUID.fromString(Text.string(b, off, len));
        } catch (IllegalArgumentException e) {
            throw bad("uuid", b, off, len, e);
        }
    }
}
