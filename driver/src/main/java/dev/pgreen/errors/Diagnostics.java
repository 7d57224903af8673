package dev.pgreen.errors;

import java.util.Collections;
import java.util.Map;

/**
 * The fields of a server ErrorResponse or NoticeResponse (psycopg2's {@code Diagnostics}).
 * Every accessor returns null where the server sent nothing.
 */
public final class Diagnostics {
    /** No fields: the diagnostics of an error raised by the client. */
    public static final Diagnostics EMPTY = new Diagnostics(Map.of());

    private final Map<Character, String> fields;

    /**
     * Diagnostics from the fields of a message.
     *
     * @param fields the message's fields keyed by their protocol field type byte ('S', 'C', 'M', ...)
     */
    public Diagnostics(Map<Character, String> fields) {
        this.fields = Collections.unmodifiableMap(fields);
    }

    /**
     * One field by its protocol type byte, for a field without an accessor of its own.
     *
     * @param fieldType the field's type byte, as in the protocol's "Error and Notice Message Fields"
     * @return the field's text, or null when the server did not send it
     */
    public String get(char fieldType) {
        return fields.get(fieldType);
    }

    /**
     * Every field the server sent.
     *
     * @return the fields keyed by their type byte; unmodifiable
     */
    public Map<Character, String> fields() {
        return fields;
    }

    /**
     * The severity ('S'), localized: {@code ERROR}, {@code FATAL}, {@code PANIC}, or for a notice
     * {@code WARNING}, {@code NOTICE}, {@code DEBUG}, {@code INFO}, {@code LOG}.
     *
     * @return the severity, or null
     */
    public String severity() { return fields.get('S'); }

    /**
     * The severity never localized ('V'), sent by servers 9.6 and newer.
     *
     * @return the severity in English, or null
     */
    public String severityNonLocalized() { return fields.get('V'); }

    /**
     * The SQLSTATE code ('C').
     *
     * @return the five-character code, or null
     */
    public String sqlState() { return fields.get('C'); }

    /**
     * The primary human-readable message ('M'), one line.
     *
     * @return the message, or null
     */
    public String messagePrimary() { return fields.get('M'); }

    /**
     * A secondary message with more detail ('D'), possibly several lines.
     *
     * @return the detail, or null
     */
    public String detail() { return fields.get('D'); }

    /**
     * A suggestion of what to do about the problem ('H').
     *
     * @return the hint, or null
     */
    public String hint() { return fields.get('H'); }

    /**
     * Where in the query the error lies ('P'): a 1-based character index into the SQL the caller wrote,
     * whatever the driver sent in front of it (an implicit BEGIN, say).
     *
     * @return the position as a decimal string, or null
     */
    public String position() { return fields.get('P'); }

    /**
     * Where in {@link #internalQuery()} the error lies ('p'): a 1-based character index.
     *
     * @return the position as a decimal string, or null
     */
    public String internalPosition() { return fields.get('p'); }

    /**
     * The text of an internally generated command that failed ('q'), such as a query of a PL/pgSQL function.
     *
     * @return the command, or null
     */
    public String internalQuery() { return fields.get('q'); }

    /**
     * Where the error occurred ('W'): a call stack of PL/pgSQL functions and internally generated
     * queries, one entry a line, innermost first.
     *
     * @return the context, or null
     */
    public String context() { return fields.get('W'); }

    /**
     * The schema of the object the error concerns ('s').
     *
     * @return the schema's name, or null
     */
    public String schema() { return fields.get('s'); }

    /**
     * The table the error concerns ('t'); its schema is {@link #schema()}.
     *
     * @return the table's name, or null
     */
    public String table() { return fields.get('t'); }

    /**
     * The column the error concerns ('c'); its table is {@link #table()}.
     *
     * @return the column's name, or null
     */
    public String column() { return fields.get('c'); }

    /**
     * The data type the error concerns ('d'); its schema is {@link #schema()}.
     *
     * @return the type's name, or null
     */
    public String dataType() { return fields.get('d'); }

    /**
     * The constraint the error concerns ('n'), such as the unique index a duplicate key violated.
     *
     * @return the constraint's name, or null
     */
    public String constraint() { return fields.get('n'); }

    /**
     * The server source file that reported the error ('F').
     *
     * @return the file name, or null
     */
    public String sourceFile() { return fields.get('F'); }

    /**
     * The line in {@link #sourceFile()} that reported the error ('L').
     *
     * @return the line number as a decimal string, or null
     */
    public String sourceLine() { return fields.get('L'); }

    /**
     * The server source routine that reported the error ('R').
     *
     * @return the routine's name, or null
     */
    public String sourceFunction() { return fields.get('R'); }

    @Override
    public String toString() {
        return "Diagnostics" + fields;
    }
}
