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
    /** The parameters' type OIDs sent with Parse (null: all left to the server). */
    private final int[] types;
    /** Parse and Describe only, nothing executed: the parameter types and the result's columns. */
    private final boolean describeOnly;
    private int[] parameterTypes;
    private long[] rowCounts = new long[0];
    private int executed;
    private List<Field> fields;
    private final List<DataRow> rows = new ArrayList<>();
    private String commandTag;
    private long rowCount = -1;
    private boolean parsed;
    private PgException error;

    /** One execution whose result is kept. {@code sql} is null when the statement is already prepared. */
    public static ExtendedQueryOperation single(String statementName, String sql, byte[][] params) {
        return single(statementName, sql, params, null);
    }

    /** {@link #single(String, String, byte[][])} with the parameters' type OIDs for Parse (null: none). */
    public static ExtendedQueryOperation single(String statementName, String sql, byte[][] params, int[] types) {
        return new ExtendedQueryOperation(statementName, sql, List.<byte[][]>of(params), true, types, false);
    }

    /** One execution per row of parameters, counting the rows affected. */
    public static ExtendedQueryOperation batch(String statementName, String sql, List<byte[][]> paramRows) {
        return batch(statementName, sql, paramRows, null);
    }

    /** {@link #batch(String, String, List)} with the parameters' type OIDs for Parse (null: none). */
    public static ExtendedQueryOperation batch(String statementName, String sql, List<byte[][]> paramRows,
                                               int[] types) {
        return new ExtendedQueryOperation(statementName, sql, paramRows, false, types, false);
    }

    /** Parse (unnamed) and Describe: what the server infers for the parameters and the result; runs nothing. */
    public static ExtendedQueryOperation describe(String sql, int[] types) {
        return new ExtendedQueryOperation("", sql, List.of(), false, types, true);
    }

    private ExtendedQueryOperation(String statementName, String sql, List<byte[][]> paramRows, boolean keepResult,
                                   int[] types, boolean describeOnly) {
        this.statementName = statementName;
        this.sql = sql;
        this.paramRows = paramRows;
        this.keepResult = keepResult;
        this.types = types;
        this.describeOnly = describeOnly;
    }

    @Override
    public void start(FrontendEncoder out) {
        if (sql != null) {
            out.parse(statementName, sql, types);
        }
        if (describeOnly) {
            out.describeStatement(statementName);
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
            case ParameterDescription p -> parameterTypes = p.typeOids();
            case RowDescription d -> fields = d.fields();
            case DataRow r -> {
                if (keepResult) rows.add(r);
            }
            case CommandComplete c -> {
                commandTag = c.tag();
                long n = new QueryResult(null, List.of(), c.tag()).rowCount();
                if (n >= 0) rowCount = (rowCount < 0 ? 0 : rowCount) + n;
                if (executed == rowCounts.length) rowCounts = java.util.Arrays.copyOf(rowCounts, Math.max(4, 2 * executed));
                rowCounts[executed++] = n;
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
            }
            case CopyData d -> { }
            case CopyDone d -> { }
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

    /** Rows affected by each execution that completed, in order (-1 where the command reports none). */
    public long[] rowCounts() {
        return java.util.Arrays.copyOf(rowCounts, executed);
    }

    /** A described statement's parameter type OIDs, or null before the server has sent them. */
    public int[] parameterTypes() {
        return parameterTypes;
    }

    /** A described statement's result columns, or null when it returns no rows. */
    public List<Field> fields() {
        return fields;
    }

    @Override
    public PgException error() {
        return error;
    }
}
