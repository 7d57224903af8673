package dev.pgreen.adapt;

import dev.pgreen.Connection;
import dev.pgreen.SqlQuote;
import dev.pgreen.errors.DataException;

import java.nio.charset.StandardCharsets;

/**
 * A string literal, escaped for the connection's {@code standard_conforming_strings}
 * (read by {@link #prepare(Connection)}; on when there is no connection).
 */
public final class QuotedString implements SqlQuote {
    private final String value;
    private boolean standardConformingStrings = true;

    public QuotedString(String value) {
        this.value = value;
    }

    public String getWrapped() {
        return value;
    }

    @Override
    public void prepare(Connection conn) {
        standardConformingStrings = !"off".equals(conn.parameterStatus("standard_conforming_strings"));
    }

    @Override
    public byte[] getQuoted() {
        return quote(value, standardConformingStrings).getBytes(StandardCharsets.UTF_8);
    }

    /** Quotes {@code s} as a literal; with standard_conforming_strings off backslashes are doubled under E''. */
    public static String quote(String s, boolean standardConformingStrings) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        boolean hasBackslash = false;
        sb.append('\'');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\0' -> throw new DataException(
                        "a string literal cannot contain NUL (0x00) characters: PostgreSQL text cannot hold them");
                case '\'' -> sb.append("''");
                case '\\' -> {
                    hasBackslash = true;
                    sb.append(standardConformingStrings ? "\\" : "\\\\");
                }
                default -> sb.append(c);
            }
        }
        sb.append('\'');
        if (hasBackslash && !standardConformingStrings) {
            sb.insert(0, 'E');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "QuotedString(" + value + ")";
    }
}
