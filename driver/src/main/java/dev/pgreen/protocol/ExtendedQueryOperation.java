package dev.pgreen.protocol;

import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.PgException;
import dev.pgreen.errors.PipelineAbortedException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.protocol.BackendMessage.*;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A statement over the extended protocol with server-side parameters: Parse
 * (unless the statement is already prepared), then Bind and Execute for each
 * row of parameters, then one Sync. The server plans a prepared statement once
 * and reuses the plan. With one row the result is described and kept; with
 * several (a batch) only the affected rows are counted, and the first error
 * skips the rest of the batch.
 *
 * <p>In a pipeline the same messages go without the Sync: the operation is
 * complete once its last execution is answered (or the server skipped it after
 * an earlier error), and then tells whoever sent it.
 */
public final class ExtendedQueryOperation implements Operation {
    private final String statementName;
    private final String sql;
    private List<byte[][]> paramRows;
    private final int executions;
    private final boolean keepResult;
    private final boolean pipelined;
    private final Consumer<ExtendedQueryOperation> onComplete;
    private int answered;
    private volatile boolean complete;
    /** The parameters' type OIDs sent with Parse (null: all left to the server). */
    private final int[] types;
    /** Parse and Describe only, nothing executed: the parameter types and the result's columns. */
    private final boolean describeOnly;
    private int[] parameterTypes;
    private long[] rowCounts = new long[0];
    private int executedCount;
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
        return single(statementName, sql, params, null);
    }

    /** {@link #single(String, String, byte[][])} with the parameters' type OIDs for Parse (null: none). */
    public static ExtendedQueryOperation single(String statementName, String sql, byte[][] params, int[] types) {
        return new ExtendedQueryOperation(statementName, sql, List.<byte[][]>of(params), true, types, false, false, null);
    }

    /** One execution per row of parameters, counting the rows affected. */
    public static ExtendedQueryOperation batch(String statementName, String sql, List<byte[][]> paramRows) {
        return batch(statementName, sql, paramRows, null);
    }

    /** {@link #batch(String, String, List)} with the parameters' type OIDs for Parse (null: none). */
    public static ExtendedQueryOperation batch(String statementName, String sql, List<byte[][]> paramRows,
                                               int[] types) {
        return new ExtendedQueryOperation(statementName, sql, paramRows, false, types, false, false, null);
    }

    /** Parse (unnamed) and Describe: what the server infers for the parameters and the result; runs nothing. */
    public static ExtendedQueryOperation describe(String sql, int[] types) {
        return new ExtendedQueryOperation("", sql, List.of(), false, types, true, false, null);
    }

    /**
     * Statements of a pipeline: one execution per row of parameters, no Sync;
     * {@code onComplete} runs (inside the I/O step) once they are answered.
     */
    public static ExtendedQueryOperation pipelined(String statementName, String sql, List<byte[][]> paramRows,
            boolean keepResult, Consumer<ExtendedQueryOperation> onComplete) {
        return new ExtendedQueryOperation(statementName, sql, paramRows, keepResult, null, false, true, onComplete);
    }

    private ExtendedQueryOperation(String statementName, String sql, List<byte[][]> paramRows, boolean keepResult,
            int[] types, boolean describeOnly, boolean pipelined, Consumer<ExtendedQueryOperation> onComplete) {
        this.statementName = statementName;
        this.sql = sql;
        this.paramRows = paramRows;
        this.executions = paramRows.size();
        this.keepResult = keepResult;
        this.pipelined = pipelined;
        this.onComplete = onComplete;
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
        // Encoded now: a long pipeline keeps only the bytes on their way, not the values.
        paramRows = null;
        if (!pipelined) {
            out.sync();
        }
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
                long n = QueryResult.rowCount(c.tag());
                if (n >= 0) rowCount = (rowCount < 0 ? 0 : rowCount) + n;
                if (executedCount == rowCounts.length) {
                    rowCounts = java.util.Arrays.copyOf(rowCounts, Math.max(4, 2 * executedCount));
                }
                rowCounts[executedCount++] = n;
                return executed();
            }
            case EmptyQueryResponse e -> {
                if (error == null) error = new ProgrammingException("can't execute an empty query");
                return executed();
            }
            case PortalSuspended s -> {
                return executed();
            }
            case CopyResponse c -> {
                if (error == null) error = new ProgrammingException("COPY cannot run as a prepared statement: use the copy methods");
                if (c.kind() == 'G') {
                    // The server skipped our Sync while copying in: after CopyFail it needs another
                    // (in a pipeline, the one that ends the pipeline's stretch).
                    out.copyFail("COPY is not supported in a prepared statement");
                    if (!pipelined) {
                        out.sync();
                    }
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
                // The server skips the rest up to the Sync: in a pipeline, nothing more comes for this one.
                return pipelined && complete();
            }
            case ReadyForQuery z -> {
                return complete();
            }
            default -> throw new InterfaceException("protocol error: unexpected "
                    + m.getClass().getSimpleName() + " in reply to a prepared statement");
        }
        return false;
    }

    /** In a pipeline: one more execution answered; complete after the last. */
    private boolean executed() {
        return pipelined && ++answered == executions && complete();
    }

    private boolean complete() {
        complete = true;
        if (onComplete != null) {
            onComplete.accept(this);
        }
        return true;
    }

    @Override
    public boolean pipelined() {
        return pipelined;
    }

    @Override
    public void skip() {
        error = new PipelineAbortedException("pipeline aborted: an earlier statement of the pipeline failed");
        complete();
    }

    /** Whether every execution has been answered (or skipped). */
    public boolean isComplete() {
        return complete;
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
        return java.util.Arrays.copyOf(rowCounts, executedCount);
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
