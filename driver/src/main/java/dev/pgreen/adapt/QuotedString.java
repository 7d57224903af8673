package dev.pgreen.adapt;

import dev.pgreen.Connection;
import dev.pgreen.SqlQuote;
import dev.pgreen.errors.DataException;

import java.nio.charset.StandardCharsets;

/**
 * A string literal, escaped for the connection: {@code standard_conforming_strings} (read by
 * {@link #prepare(Connection)}) decides whether backslashes are doubled under {@code E''}, and the session's
 * {@code client_encoding} whether the text can be sent at all.
 *
 * <p>Until a connection says that {@code standard_conforming_strings} is on (no {@code prepare}, or a server that
 * does not report it), a string with a backslash is written as {@code E'...'} with its backslashes doubled: an
 * escape string reads the same under both settings, whereas with the setting off a plain {@code '\'} takes its
 * closing quote for an escaped one and lets what follows run as SQL. A string without a backslash is
 * {@code '...'} either way.
 *
 * <p>pgreen sends every query in UTF-8, in which no byte of a multi-byte character is a quote or a backslash,
 * so doubling quotes (and backslashes) is a complete escape. Should a session switch its
 * {@code client_encoding} to anything but UTF8 or SQL_ASCII, the server would read those bytes differently
 * (in SJIS or BIG5 a second byte can be a backslash): non-ASCII text then raises {@link DataException}
 * rather than go out misread. A NUL character, which PostgreSQL text cannot hold, and an unpaired surrogate,
 * which has no UTF-8 form, raise {@link DataException} too: a value is never silently truncated or changed.
 */
public final class QuotedString implements SqlQuote {
    private final String value;
    /** Known to be on: only then may a backslash stand single in a plain literal. */
    private boolean standardConformingStrings;
    private String clientEncoding;

    /**
     * Wraps a string (psycopg2's {@code QuotedString}).
     *
     * @param value the string, or null for NULL
     */
    public QuotedString(String value) {
        this.value = value;
    }

    /**
     * The wrapped string.
     *
     * @return the string given, or null
     */
    public String getWrapped() {
        return value;
    }

    @Override
    public void prepare(Connection conn) {
        standardConformingStrings = standardConformingStrings(conn);
        clientEncoding = conn.parameterStatus("client_encoding");
    }

    @Override
    public byte[] getQuoted() {
        if (value == null) {
            return "NULL".getBytes(StandardCharsets.US_ASCII);
        }
        checkEncoding(value, clientEncoding);
        return quote(value, standardConformingStrings).getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the session's standard_conforming_strings is known to be on; unknown counts as off. */
    static boolean standardConformingStrings(Connection conn) {
        return "on".equals(conn.parameterStatus("standard_conforming_strings"));
    }

    /**
     * Quotes {@code s} as a literal. With {@code standardConformingStrings} false, backslashes are doubled under
     * E'': that form reads the same whatever the session's setting, so it is also the one for an unknown setting.
     *
     * @param s the string
     * @param standardConformingStrings whether the session's {@code standard_conforming_strings} is known to be on
     * @return the literal, quotes included
     * @throws DataException if {@code s} has a NUL character or an unpaired surrogate
     */
    public static String quote(String s, boolean standardConformingStrings) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        boolean hasBackslash = false;
        sb.append('\'');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\0' -> throw new DataException(
                        "a string literal cannot contain NUL (0x00) characters: PostgreSQL text cannot hold them"
                                + " (at index " + i + " of a string of " + s.length() + ")");
                case '\'' -> sb.append("''");
                case '\\' -> {
                    hasBackslash = true;
                    sb.append(standardConformingStrings ? "\\" : "\\\\");
                }
                default -> {
                    if (Character.isSurrogate(c)) {
                        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                            sb.append(c).append(s.charAt(++i));
                            continue;
                        }
                        throw new DataException("a string with an unpaired surrogate (U+" + Integer.toHexString(c).toUpperCase()
                                + " at index " + i + ") has no UTF-8 form: it cannot be sent unchanged");
                    }
                    sb.append(c);
                }
            }
        }
        sb.append('\'');
        if (hasBackslash && !standardConformingStrings) {
            sb.insert(0, 'E');
        }
        return sb.toString();
    }

    /** Whether a session with this client_encoding (null: not reported) reads the UTF-8 pgreen sends as sent. */
    static boolean readsUtf8(String clientEncoding) {
        return clientEncoding == null || clientEncoding.equalsIgnoreCase("UTF8") || clientEncoding.equalsIgnoreCase("UTF-8")
                || clientEncoding.equalsIgnoreCase("UNICODE") || clientEncoding.equalsIgnoreCase("SQL_ASCII");
    }

    /** Non-ASCII text needs the session to read UTF-8, which is what pgreen sends. */
    static void checkEncoding(String s, String clientEncoding) {
        if (readsUtf8(clientEncoding)) {
            return;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                throw new DataException("cannot send non-ASCII text: the session's client_encoding is " + clientEncoding
                        + ", but pgreen sends UTF-8 (SET client_encoding TO 'UTF8')");
            }
        }
    }

    @Override
    public String toString() {
        return "QuotedString(" + value + ")";
    }
}
