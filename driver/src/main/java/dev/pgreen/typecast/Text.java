package dev.pgreen.typecast;

import dev.pgreen.errors.DataException;

import java.nio.charset.StandardCharsets;

/** Helpers for casters that read a value's UTF-8 bytes in place. */
final class Text {
    private Text() {}

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] b, int off, int len) {
        return new String(b, off, len, StandardCharsets.UTF_8);
    }

    /** Whether {@code b[off, off + len)} is exactly the ASCII {@code literal}. */
    static boolean is(byte[] b, int off, int len, String literal) {
        if (len != literal.length()) return false;
        for (int i = 0; i < len; i++) {
            if (b[off + i] != literal.charAt(i)) return false;
        }
        return true;
    }

    /** The error for a value the server should never have sent; the message quotes the value. */
    static DataException bad(String type, byte[] b, int off, int len) {
        return new DataException("invalid " + type + " value from the server: \"" + string(b, off, len) + "\"");
    }

    static DataException bad(String type, byte[] b, int off, int len, Throwable cause) {
        return new DataException("invalid " + type + " value from the server: \"" + string(b, off, len) + "\"", cause);
    }
}
