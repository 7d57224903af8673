package dev.pgreen.typecast;

import dev.pgreen.Cursor;
import dev.pgreen.Typecaster;
import dev.pgreen.errors.DataException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Parses PostgreSQL's array text form ({@code {1,NULL,"a \"b\""}}, nested, with an optional {@code [1:3]=}
 * bounds prefix) into unmodifiable lists, casting each element with the element type's caster. It reads the
 * array's bytes in place: an element without escapes is cast from its own bytes, without a copy.
 */
final class ArrayParser {
    /**
     * psycopg2's MAX_DIMENSIONS: deeper nesting is refused (the server's own limit, MAXDIM, is 6), which also bounds
     * the parser's recursion whatever text it is given.
     */
    static final int MAX_DIMENSIONS = 16;
    /** How much of a bad value an error message quotes: a value can be a gigabyte long. */
    private static final int QUOTED_IN_ERRORS = 100;

    private final byte[] b;
    private final int start;
    private final int end;
    private final Typecaster element;
    private final Cursor cur;
    private final byte delimiter;
    private int pos;

    private ArrayParser(byte[] b, int off, int len, Typecaster element, Cursor cur, char delimiter) {
        this.b = b;
        this.start = off;
        this.end = off + len;
        this.pos = off;
        this.element = element;
        this.cur = cur;
        this.delimiter = (byte) delimiter;
    }

    static List<Object> parse(String text, Typecaster element, Cursor cur, char delimiter) {
        byte[] bytes = Text.utf8(text);
        return parse(bytes, 0, bytes.length, element, cur, delimiter);
    }

    static List<Object> parse(byte[] b, int off, int len, Typecaster element, Cursor cur, char delimiter) {
        ArrayParser p = new ArrayParser(b, off, len, element, cur, delimiter);
        if (p.peek() == '[') {
            // Non-default lower bounds: "[0:2]={...}"; the list keeps the elements, not the bounds.
            while (p.pos < p.end && b[p.pos] != '=') p.pos++;
            if (p.pos == p.end) throw p.malformed();
            p.pos++;
        }
        List<Object> result = p.array(1);
        if (p.pos != p.end) throw p.malformed();
        return result;
    }

    private int peek() {
        return pos < end ? b[pos] : -1;
    }

    private DataException malformed() {
        return new DataException("malformed array literal: " + excerpt());
    }

    private String excerpt() {
        int len = end - start;
        if (len <= QUOTED_IN_ERRORS) return Text.string(b, start, len);
        return Text.string(b, start, QUOTED_IN_ERRORS) + "... (" + len + " bytes)";
    }

    private List<Object> array(int depth) {
        if (depth > MAX_DIMENSIONS) {
            throw new DataException("array value nested more than " + MAX_DIMENSIONS
                    + " deep (PostgreSQL arrays have at most 6 dimensions): " + excerpt());
        }
        if (peek() != '{') throw malformed();
        pos++;
        List<Object> items = new ArrayList<>();
        if (peek() == '}') {
            pos++;
            return Collections.unmodifiableList(items);
        }
        for (;;) {
            int c = peek();
            if (c == '{') {
                items.add(array(depth + 1));
            } else if (c == '"') {
                items.add(quoted());
            } else {
                items.add(unquoted());
            }
            c = peek();
            pos++;
            if (c == '}') return Collections.unmodifiableList(items);
            if (c != delimiter) throw malformed();
        }
    }

    private Object quoted() {
        int from = ++pos;
        boolean escaped = false;
        while (pos < end && b[pos] != '"') {
            if (b[pos] == '\\') {
                escaped = true;
                pos++;
            }
            pos++;
        }
        if (pos >= end) throw malformed();
        int to = pos++;
        if (!escaped) {
            return element.cast(b, from, to - from, cur);
        }
        byte[] out = new byte[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            if (b[i] == '\\') i++;
            out[n++] = b[i];
        }
        return element.cast(out, 0, n, cur);
    }

    private Object unquoted() {
        int from = pos;
        while (pos < end && b[pos] != delimiter && b[pos] != '}') pos++;
        if (pos >= end) throw malformed();
        int to = pos;
        while (from < to && isSpace(b[from])) from++;
        while (to > from && isSpace(b[to - 1])) to--;
        if (from == to) throw malformed(); // "{1,,2}": an empty string is always quoted
        if (to - from == 4 && (b[from] | 0x20) == 'n' && (b[from + 1] | 0x20) == 'u' && (b[from + 2] | 0x20) == 'l'
                && (b[from + 3] | 0x20) == 'l') {
            return element.cast(b, from, -1, cur);
        }
        return element.cast(b, from, to - from, cur);
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }
}
