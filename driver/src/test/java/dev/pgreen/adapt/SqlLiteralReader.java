package dev.pgreen.adapt;

/**
 * Reads one string constant at the start of a piece of SQL the way PostgreSQL's lexer does (scan.l): a plain
 * {@code '...'} whose backslashes are escapes only when {@code standard_conforming_strings} is off, or an escape
 * string {@code E'...'} whose backslashes always are. A reference for the tests, independent of the quoting code.
 */
final class SqlLiteralReader {
    /** The constant's value, and the index just past its closing quote. */
    record Literal(String value, int end) {}

    private SqlLiteralReader() {}

    static Literal read(String sql, boolean standardConformingStrings) {
        int i = 0;
        boolean escapes = !standardConformingStrings;
        if (i < sql.length() && (sql.charAt(i) == 'E' || sql.charAt(i) == 'e')) {
            escapes = true;
            i++;
        }
        if (i >= sql.length() || sql.charAt(i) != '\'') {
            throw new IllegalArgumentException("not a string constant: " + sql);
        }
        i++;
        StringBuilder value = new StringBuilder();
        while (true) {
            if (i >= sql.length()) {
                throw new IllegalArgumentException("unterminated quoted string: " + sql);
            }
            char c = sql.charAt(i++);
            if (c == '\'') {
                if (i < sql.length() && sql.charAt(i) == '\'') {
                    value.append('\'');
                    i++;
                    continue;
                }
                return new Literal(value.toString(), i);
            }
            if (c != '\\' || !escapes) {
                value.append(c);
                continue;
            }
            if (i >= sql.length()) {
                throw new IllegalArgumentException("unterminated quoted string: " + sql);
            }
            char e = sql.charAt(i++);
            switch (e) {
                case 'b' -> value.append('\b');
                case 'f' -> value.append('\f');
                case 'n' -> value.append('\n');
                case 'r' -> value.append('\r');
                case 't' -> value.append('\t');
                case 'x' -> {
                    int start = i;
                    while (i < sql.length() && i - start < 2 && Character.digit(sql.charAt(i), 16) >= 0) i++;
                    if (i == start) {
                        value.append('x'); // "\x" without a hex digit is an x, as any other escaped character
                    } else {
                        value.append((char) Integer.parseInt(sql.substring(start, i), 16));
                    }
                }
                case 'u', 'U' -> {
                    int n = e == 'u' ? 4 : 8;
                    value.appendCodePoint(Integer.parseInt(sql.substring(i, i + n), 16));
                    i += n;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int start = i - 1;
                        while (i < sql.length() && i - start < 3 && sql.charAt(i) >= '0' && sql.charAt(i) <= '7') i++;
                        value.append((char) Integer.parseInt(sql.substring(start, i), 8));
                    } else {
                        value.append(e);
                    }
                }
            }
        }
    }
}
