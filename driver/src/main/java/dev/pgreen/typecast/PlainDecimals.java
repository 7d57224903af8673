package dev.pgreen.typecast;

import java.math.BigDecimal;

/** Plain decimal text ({@code -123.4500}, what numeric and the integer types send) read in place. */
public final class PlainDecimals {
    private PlainDecimals() {}

    /**
     * The BigDecimal of {@code b[off, off + len)} when it is a plain decimal of at most 36 digits, with the scale
     * the text shows: equal in unscaled value and scale to {@code new BigDecimal(text)}, without the String, its
     * char[] copy and the digit-by-digit BigInteger parse. Null when the text is anything else (a sign of
     * {@code +}, an exponent, NaN, white space, a point without digits after it, more digits): the caller parses it.
     *
     * @param b the bytes
     * @param off where the text starts
     * @param len its length
     * @return the value, or null when the text is not a plain decimal of at most 36 digits
     */
    public static BigDecimal parse(byte[] b, int off, int len) {
        if (len <= 0) {
            return null;
        }
        int p = off;
        int end = off + len;
        boolean negative = b[p] == '-';
        if (negative) {
            p++;
        }
        // The first 18 digits in high, the rest (up to 18 more) in low: unscaled = high * 10^lowDigits + low.
        long high = 0;
        long low = 0;
        int digits = 0;
        int scale = -1;
        for (; p < end; p++) {
            int d = b[p] - '0';
            if (d >= 0 && d <= 9) {
                if (digits < 18) {
                    high = high * 10 + d;
                } else {
                    low = low * 10 + d;
                }
                digits++;
                if (scale >= 0) {
                    scale++;
                }
            } else if (b[p] == '.' && scale < 0) {
                scale = 0;
            } else {
                return null;
            }
        }
        if (digits == 0 || digits > 36 || scale == 0) {
            return null;
        }
        scale = Math.max(scale, 0);
        if (digits <= 18) {
            return BigDecimal.valueOf(negative ? -high : high, scale);
        }
        return ScalarCasters.decimal(high, ScalarCasters.POW10[digits - 18], low, negative, scale);
    }
}
