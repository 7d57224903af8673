package dev.pgreen.protocol;

import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.PgException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.protocol.BackendMessage.*;

import java.util.ArrayList;
import java.util.List;

/**
 * A simple Query: one or more statements in one string. Like libpq, the result
 * of the last statement is kept; the first error wins.
 */
public final class SimpleQueryOperation implements Operation {
    private final String sql;
    private List<Field> fields;
    private List<DataRow> rows = new ArrayList<>();
    private QueryResult result;
    private final List<QueryResult> results = new ArrayList<>(1);
    private PgException error;
    private long totalRowCount = -1;
    /** The kind of the CopyResponse refused ('G', 'H', 'W'), until its stream has ended; 0 for none. */
    private char refusedCopy;

    public SimpleQueryOperation(String sql) {
        this.sql = sql;
    }

    @Override
    public void start(FrontendEncoder out) {
        out.query(sql);
    }

    @Override
    public boolean handle(BackendMessage m, FrontendEncoder out) {
        switch (m) {
            case RowDescription d -> {
                fields = d.fields();
                rows = new ArrayList<>();
            }
            case DataRow r -> rows.add(r);
            case CommandComplete c -> {
                result = new QueryResult(fields, fields == null ? List.of() : rows, c.tag());
                results.add(result);
                long n = result.rowCount();
                if (n >= 0) {
                    totalRowCount = (totalRowCount < 0 ? 0 : totalRowCount) + n;
                }
                fields = null;
                rows = new ArrayList<>();
            }
            case EmptyQueryResponse e -> {
                if (error == null) error = new ProgrammingException("can't execute an empty query");
            }
            case ErrorResponse e -> {
                if (error == null) error = ServerErrors.toException(e.fields());
            }
            case CopyResponse c -> {
                refuseCopy(c, out);
                refusedCopy = c.kind();
            }
            // Drained after a refused COPY TO (up to its CopyDone) or COPY BOTH (a walsender may send more after
            // its CopyDone); anywhere else it would hide a row the server sent.
            case CopyData d when refusedCopy == 'W' || refusedCopy == 'H' -> { }
            case CopyDone d when refusedCopy == 'W' || refusedCopy == 'H' -> {
                if (refusedCopy == 'H') refusedCopy = 0;
            }
            case ReadyForQuery z -> {
                return true;
            }
            default -> throw new InterfaceException("protocol error: unexpected "
                    + m.getClass().getSimpleName() + " in reply to a query");
        }
        return false;
    }

    /** COPY needs the copy methods, which stream; a plain execute cannot feed or drain it. */
    private void refuseCopy(CopyResponse c, FrontendEncoder out) {
        PgException refused = endUnwantedCopy(c, out);
        if (error == null) {
            error = refused;
        }
    }

    /**
     * Ends a COPY (or replication stream) that a plain query started, so the
     * session returns to ReadyForQuery; returns the error to report.
     */
    static PgException endUnwantedCopy(CopyResponse c, FrontendEncoder out) {
        if (c.kind() == 'G') {
            out.copyFail("COPY FROM STDIN is not supported by execute()");
        } else if (c.kind() == 'W') {
            // A replication stream: end it at once, so the session returns to ReadyForQuery.
            out.copyDone();
        }
        return new ProgrammingException(switch (c.kind()) {
            case 'G' -> "can't execute COPY FROM STDIN with execute(): use copyFrom() or copyExpert()";
            case 'W' -> "can't start a replication stream with execute(): use a replication cursor's "
                    + "startReplication()";
            default -> "can't execute COPY TO STDOUT with execute(): use copyTo() or copyExpert()";
        });
    }

    /** The last statement's result; null when the query failed or is not complete. */
    public QueryResult result() {
        return error == null ? result : null;
    }

    /** Every statement's result in order (JDBC's getMoreResults); empty when the query failed. */
    public List<QueryResult> results() {
        return error == null ? List.copyOf(results) : List.of();
    }

    /** The rows affected by all the statements together (-1 when none reported a count). */
    public long totalRowCount() {
        return totalRowCount;
    }

    @Override
    public PgException error() {
        return error;
    }
}
