package dev.pgreen;

import dev.pgreen.protocol.BackendMessage.DataRow;
import dev.pgreen.protocol.QueryResult;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The whole outcome of one statement, in memory: its rows (typecast), its
 * columns, its row count and its command tag. What a one-shot call on a
 * {@link SharedConnection} returns, so the caller never holds a connection or
 * a cursor. Immutable.
 */
public final class StatementResult {
    private final List<Row> rows;
    private final List<Column> description;
    private final long rowCount;
    private final String statusMessage;

    private StatementResult(List<Row> rows, List<Column> description, long rowCount, String statusMessage) {
        this.rows = rows;
        this.description = description;
        this.rowCount = rowCount;
        this.statusMessage = statusMessage;
    }

    /** {@return the rows, in order; empty for a statement that returns none} */
    public List<Row> rows() {
        return rows;
    }

    /** {@return the first row, or null when there is none} */
    public Row one() {
        return rows.isEmpty() ? null : rows.getFirst();
    }

    /** {@return the columns (DB-API's {@code description}), or null for a statement that returns no rows} */
    public List<Column> description() {
        return description;
    }

    /** {@return the rows returned, or affected (INSERT, UPDATE, DELETE...); -1 when the command reports none} */
    public long rowCount() {
        return rowCount;
    }

    /** {@return the command tag, e.g. {@code "SELECT 1"} or {@code "INSERT 0 3"}} */
    public String statusMessage() {
        return statusMessage;
    }

    @Override
    public String toString() {
        return "StatementResult(" + statusMessage + ", " + rows.size() + " rows)";
    }

    /**
     * Typecasts a statement's rows with {@code shape}: a cursor of the connection's
     * factory that has {@linkplain Cursor#describe described} the rows' columns
     * (built once per shape, then only read, from any thread).
     */
    static StatementResult of(QueryResult r, Cursor shape) {
        if (r.fields() == null) {
            return new StatementResult(List.of(), null, r.rowCount(), r.commandTag());
        }
        List<Row> rows = new ArrayList<>(r.rows().size());
        for (DataRow raw : r.rows()) {
            rows.add(shape.makeRow(raw));
        }
        return new StatementResult(Collections.unmodifiableList(rows), shape.description(), rows.size(),
                r.commandTag());
    }
}
