package dev.pgreen.protocol;

import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.PgException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.protocol.BackendMessage.*;

import java.util.ArrayList;
import java.util.List;

/**
 * A statement over the extended protocol with server-side parameters: Parse
 * (unless the statement is already prepared), then Bind and Execute for each
 * row of parameters, then one Sync. The server plans a prepared statement once
 * and reuses the plan. With one row the result is described and kept; with
 * several (a batch) only the affected rows are counted, and the first error
 * skips the rest of the batch.
 */
public final class ExtendedQueryOperation implements Operation {
    private final String statementName;
    private final String sql;
    private final List<byte[][]> paramRows;
    private final boolean keepResult;
    private List<Field> fields;
    private final List<DataRow> rows = new ArrayList<>();
    private String commandTag;
    private long rowCount = -1;
    private boolean parsed;
    /** The kind of the CopyResponse refused ('G', 'H', 'W'), until its stream has ended; 0 for none. */
    private char refusedCopy;
    private PgException error;

    /** One execution whose result is kept. {@code sql} is null when the statement is already prepared. */
    public static ExtendedQueryOperation single(String statementName, String sql, byte[][] params) {
        return new ExtendedQueryOperation(statementName, sql, List.<byte[][]>of(params), true);
    }

    /** One execution per row of parameters, counting the rows affected. */
    public static ExtendedQueryOperation batch(String statementName, String sql, List<byte[][]> paramRows) {
        return new ExtendedQueryOperation(statementName, sql, paramRows, false);
    }

    private ExtendedQueryOperation(String statementName, String sql, List<byte[][]> paramRows, boolean keepResult) {
        this.statementName = statementName;
        this.sql = sql;
        this.paramRows = paramRows;
        this.keepResult = keepResult;
    }

    @Override
    public void start(FrontendEncoder out) {
        if (sql != null) {
            out.parse(statementName, sql);
        }
        for (byte[][] params : paramRows) {
            out.bind(statementName, params);
            if (keepResult) {
                out.describePortal();
            }
            out.execute();
        }
        out.sync();
    }

    @Override
    public boolean handle(BackendMessage m, FrontendEncoder out) {
        switch (m) {
            case ParseComplete p -> parsed = true;
            case BindComplete b -> { }
            case NoData n -> { }
            case RowDescription d -> fields = d.fields();
            case DataRow r -> {
                if (keepResult) rows.add(r);
            }
            case CommandComplete c -> {
                commandTag = c.tag();
                long n = new QueryResult(null, List.of(), c.tag()).rowCount();
                if (n >= 0) rowCount = (rowCount < 0 ? 0 : rowCount) + n;
            }
            case EmptyQueryResponse e -> {
                if (error == null) error = new ProgrammingException("can't execute an empty query");
            }
            case PortalSuspended s -> { }
            case CopyResponse c -> {
                if (error == null) error = new ProgrammingException("COPY cannot run as a prepared statement: use the copy methods");
                if (c.kind() == 'G') {
                    // The server skipped our Sync while copying in: after CopyFail it needs another.
                    out.copyFail("COPY is not supported in a prepared statement");
                    out.sync();
                } else if (c.kind() == 'W') {
                    out.copyDone();
                }
                refusedCopy = c.kind();
            }
            // Drained after a refused COPY TO (up to its CopyDone) or COPY BOTH (a walsender may send more after
            // its CopyDone); anywhere else it would hide a row the server sent.
            case CopyData d when refusedCopy == 'W' || refusedCopy == 'H' -> { }
            case CopyDone d when refusedCopy == 'W' || refusedCopy == 'H' -> {
                if (refusedCopy == 'H') refusedCopy = 0;
            }
            case ErrorResponse e -> {
                if (error == null) error = ServerErrors.toException(e.fields());
            }
            case ReadyForQuery z -> {
                return true;
            }
            default -> throw new InterfaceException("protocol error: unexpected "
                    + m.getClass().getSimpleName() + " in reply to a prepared statement");
        }
        return false;
    }

    /** Whether the Parse of this operation succeeded: the statement now exists on the server. */
    public boolean parsed() {
        return parsed;
    }

    /** The result of a single execution; null when it failed. */
    public QueryResult result() {
        return error == null ? new QueryResult(fields, fields == null ? List.of() : rows, commandTag) : null;
    }

    /** Rows affected by all the executions together, -1 when none reported a count. */
    public long rowCount() {
        return rowCount;
    }

    @Override
    public PgException error() {
        return error;
    }
}
