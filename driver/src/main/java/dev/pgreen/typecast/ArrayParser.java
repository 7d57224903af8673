package dev.pgreen.typecast;

import dev.pgreen.Cursor;
import dev.pgreen.Typecaster;
import dev.pgreen.errors.DataException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Parses PostgreSQL's array text form ({@code {1,NULL,"a \"b\""}}, nested,
 * with an optional {@code [1:3]=} bounds prefix) into unmodifiable lists,
 * casting each element with the element type's caster.
 */
final class ArrayParser {
    private final String text;
    private final Typecaster element;
    private final Cursor cur;
    private final char delimiter;
    private int pos;

    private ArrayParser(String text, Typecaster element, Cursor cur, char delimiter) {
        this.text = text;
        this.element = element;
        this.cur = cur;
        this.delimiter = delimiter;
    }

    static List<Object> parse(String text, Typecaster element, Cursor cur, char delimiter) {
        ArrayParser p = new ArrayParser(text, element, cur, delimiter);
        if (p.peek() == '[') {
            // Non-default lower bounds: "[0:2]={...}"; the list keeps the elements, not the bounds.
            int eq = text.indexOf('=');
            if (eq < 0) throw p.malformed();
            p.pos = eq + 1;
        }
        List<Object> result = p.array();
        if (p.pos != text.length()) throw p.malformed();
        return result;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private DataException malformed() {
        return new DataException("malformed array literal: " + text);
    }

    private List<Object> array() {
        if (peek() != '{') throw malformed();
        pos++;
        List<Object> items = new ArrayList<>();
        if (peek() == '}') {
            pos++;
            return Collections.unmodifiableList(items);
        }
        for (;;) {
            char c = peek();
            if (c == '{') {
                items.add(array());
            } else if (c == '"') {
                items.add(element.cast(quoted(), cur));
            } else {
                String raw = unquoted();
                items.add(element.cast(raw.equals("NULL") ? null : raw, cur));
            }
            c = peek();
            pos++;
            if (c == '}') return Collections.unmodifiableList(items);
            if (c != delimiter) throw malformed();
        }
    }

    private String quoted() {
        StringBuilder sb = new StringBuilder();
        pos++;
        for (;;) {
            if (pos >= text.length()) throw malformed();
            char c = text.charAt(pos++);
            if (c == '"') return sb.toString();
            if (c == '\\') {
                if (pos >= text.length()) throw malformed();
                c = text.charAt(pos++);
            }
            sb.append(c);
        }
    }

    private String unquoted() {
        int start = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == delimiter || c == '}') break;
            pos++;
        }
        if (pos >= text.length()) throw malformed();
        String raw = text.substring(start, pos).strip();
        if (raw.isEmpty()) throw malformed(); // "{1,,2}": an empty string is always quoted
        return raw;
    }
}
