package dev.pgreen.errors;

import java.util.Collections;
import java.util.Map;

/**
 * The fields of a server ErrorResponse or NoticeResponse (psycopg2's {@code Diagnostics}).
 * Every accessor returns null where the server sent nothing.
 */
public final class Diagnostics {
    public static final Diagnostics EMPTY = new Diagnostics(Map.of());

    private final Map<Character, String> fields;

    /** @param fields the message's fields keyed by their protocol field type byte ('S', 'C', 'M', ...) */
    public Diagnostics(Map<Character, String> fields) {
        this.fields = Collections.unmodifiableMap(fields);
    }

    public String get(char fieldType) {
        return fields.get(fieldType);
    }

    public Map<Character, String> fields() {
        return fields;
    }

    /** The localized severity ('S'): ERROR, FATAL, NOTICE, ... */
    public String severity() { return fields.get('S'); }
    /** The severity never localized ('V'), sent by servers 9.6 and newer. */
    public String severityNonLocalized() { return fields.get('V'); }
    public String sqlState() { return fields.get('C'); }
    public String messagePrimary() { return fields.get('M'); }
    public String detail() { return fields.get('D'); }
    public String hint() { return fields.get('H'); }
    public String position() { return fields.get('P'); }
    public String internalPosition() { return fields.get('p'); }
    public String internalQuery() { return fields.get('q'); }
    public String context() { return fields.get('W'); }
    public String schema() { return fields.get('s'); }
    public String table() { return fields.get('t'); }
    public String column() { return fields.get('c'); }
    public String dataType() { return fields.get('d'); }
    public String constraint() { return fields.get('n'); }
    public String sourceFile() { return fields.get('F'); }
    public String sourceLine() { return fields.get('L'); }
    public String sourceFunction() { return fields.get('R'); }

    @Override
    public String toString() {
        return "Diagnostics" + fields;
    }
}
