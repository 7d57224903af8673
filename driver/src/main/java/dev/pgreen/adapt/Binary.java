package dev.pgreen.adapt;

import dev.pgreen.Connection;
import dev.pgreen.SqlQuote;

import java.nio.charset.StandardCharsets;

/**
 * A bytea literal in hex format, e.g. {@code '\x00ff'::bytea}; a null array is SQL NULL (psycopg2's
 * {@code Binary(None)}). Until a connection says that {@code standard_conforming_strings} is on, it is
 * {@code E'\\x00ff'::bytea}, which reads the same under both settings (see {@link QuotedString}).
 */
public final class Binary implements SqlQuote {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private final byte[] value;
    /** Known to be on: only then is the hex prefix a single backslash in a plain literal. */
    private boolean standardConformingStrings;

    /**
     * Wraps bytes as a bytea value (psycopg2's {@code Binary}).
     *
     * @param value the bytes, not copied; null for NULL
     */
    public Binary(byte[] value) {
        this.value = value;
    }

    /**
     * The wrapped bytes.
     *
     * @return the array given (not a copy), or null
     */
    public byte[] getWrapped() {
        return value;
    }

    @Override
    public void prepare(Connection conn) {
        standardConformingStrings = QuotedString.standardConformingStrings(conn);
    }

    @Override
    public byte[] getQuoted() {
        if (value == null) {
            return "NULL".getBytes(StandardCharsets.US_ASCII);
        }
        StringBuilder sb = new StringBuilder(value.length * 2 + 16);
        sb.append(standardConformingStrings ? "'\\x" : "E'\\\\x");
        for (byte b : value) {
            sb.append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
        }
        sb.append("'::bytea");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return value == null ? "Binary(null)" : "Binary(" + value.length + " bytes)";
    }
}
