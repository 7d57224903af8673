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
 * <p>A {@link ServerStatement} is parsed and described once ({@code Describe}
 * of the statement, right after its Parse) and then executed with Bind and
 * Execute alone, its columns taken from that description (see
 * {@link ServerStatement} for when that holds); a statement the server may
 * still hold although it became unusable is closed before it is parsed again.
 * What a statement needs is decided when the messages are written, so
 * operations see the statement's state in the order they reach the server.
 *
 * <p>In a pipeline the same messages go without the Sync: the operation is
 * complete once its last execution is answered (or the server skipped it after
 * an earlier error), and then tells whoever sent it.
 */
public final class ExtendedQueryOperation implements Operation {
    /** The prepared statement executed, or null for the unnamed one (parsed from {@link #sql}). */
    private final ServerStatement statement;
    private final String sql;
    /** The parameters of the one execution, or else of each; null once written (a pipeline keeps only bytes). */
    private byte[][] params;
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
    /** Chooses the result columns' formats when they are known before Bind; null: all text. */
    private final ResultFormats resultFormats;
    /** The formats the Bind asked for, null for all text. */
    private short[] formats;
    /** Whether a Parse went out: for {@link #statement}, decided when the messages are written. */
    private boolean parses;
    /** Whether a Describe of {@link #statement} went out, whose answer describes it. */
    private boolean describesStatement;
    private int[] parameterTypes;
    /** Each execution's row count, for batches; one execution's is {@link #rowCount}. */
    private long[] rowCounts;
    private int executedCount;
    private List<Field> fields;
    private List<DataRow> rows;
    private String commandTag;
    private long rowCount = -1;
    private boolean parsed;
    /** The kind of the CopyResponse refused ('G', 'H', 'W'), until its stream has ended; 0 for none. */
    private char refusedCopy;
    private PgException error;

    /**
     * One execution of the unnamed statement, parsed from {@code sql} with the parameters' type OIDs
     * ({@code types}, null: all left to the server), whose result is kept.
     */
    public static ExtendedQueryOperation unnamed(String sql, byte[][] params, int[] types) {
        return new ExtendedQueryOperation(null, sql, params, null, true, types, false, false, null, null);
    }

    /** {@link #unnamed} once per row of parameters, counting the rows affected. */
    public static ExtendedQueryOperation unnamedBatch(String sql, List<byte[][]> paramRows, int[] types) {
        return new ExtendedQueryOperation(null, sql, null, paramRows, false, types, false, false, null, null);
    }

    /**
     * Statements of a pipeline, of the unnamed statement: one execution per row of parameters, no Sync;
     * {@code onComplete} runs (inside the I/O step) once they are answered.
     */
    public static ExtendedQueryOperation unnamedPipelined(String sql, List<byte[][]> paramRows, boolean keepResult,
            Consumer<ExtendedQueryOperation> onComplete) {
        return new ExtendedQueryOperation(null, sql, null, paramRows, keepResult, null, false, true, onComplete,
                null);
    }

    /**
     * {@link #unnamedPipelined} with the parameters' type OIDs; with {@code sql} null there is no Parse: the
     * rows are bound to the unnamed statement as an earlier operation left it.
     */
    public static ExtendedQueryOperation unnamedPipelined(String sql, int[] types, List<byte[][]> paramRows,
            Consumer<ExtendedQueryOperation> onComplete) {
        return new ExtendedQueryOperation(null, sql, null, paramRows, false, types, false, true, onComplete, null);
    }

    /** {@link #describe} in a pipeline: complete once the statement is described, or its Parse failed. */
    public static ExtendedQueryOperation describePipelined(String sql, int[] types,
            Consumer<ExtendedQueryOperation> onComplete) {
        return new ExtendedQueryOperation(null, sql, null, List.of(), false, types, true, true, onComplete, null);
    }

    /** Parse (unnamed) and Describe: what the server infers for the parameters and the result; runs nothing. */
    public static ExtendedQueryOperation describe(String sql, int[] types) {
        return new ExtendedQueryOperation(null, sql, null, List.of(), false, types, true, false, null, null);
    }

    /** One execution of a prepared statement (parsed first when it needs it), whose result is kept. */
    public static ExtendedQueryOperation single(ServerStatement statement, byte[][] params) {
        return single(statement, params, null);
    }

    /**
     * {@link #single(ServerStatement, byte[][])} whose result columns come in the formats {@code formats} chooses
     * when the statement is described already (otherwise, and when it is null, all in text).
     */
    public static ExtendedQueryOperation single(ServerStatement statement, byte[][] params, ResultFormats formats) {
        return new ExtendedQueryOperation(statement, null, params, null, true, null, false, false, null, formats);
    }

    /** One execution of a prepared statement per row of parameters, counting the rows affected. */
    public static ExtendedQueryOperation batch(ServerStatement statement, List<byte[][]> paramRows) {
        return new ExtendedQueryOperation(statement, null, null, paramRows, false, null, false, false, null, null);
    }

    /** {@link #unnamedPipelined} of a prepared statement. */
    public static ExtendedQueryOperation pipelined(ServerStatement statement, List<byte[][]> paramRows,
            boolean keepResult, Consumer<ExtendedQueryOperation> onComplete) {
        return new ExtendedQueryOperation(statement, null, null, paramRows, keepResult, null, false, true, onComplete,
                null);
    }

    private ExtendedQueryOperation(ServerStatement statement, String sql, byte[][] params, List<byte[][]> paramRows,
            boolean keepResult, int[] types, boolean describeOnly, boolean pipelined,
            Consumer<ExtendedQueryOperation> onComplete, ResultFormats resultFormats) {
        this.statement = statement;
        this.resultFormats = resultFormats;
        this.sql = sql;
        this.params = params;
        this.paramRows = paramRows;
        this.executions = paramRows == null ? 1 : paramRows.size();
        this.keepResult = keepResult;
        this.pipelined = pipelined;
        this.onComplete = onComplete;
        this.types = types;
        this.describeOnly = describeOnly;
    }

    @Override
    public void start(FrontendEncoder out) {
        boolean describePortal = keepResult;
        if (statement == null) {
            parses = sql != null;
            if (parses) {
                out.parse("", sql, types);
            }
            if (describeOnly) {
                out.describeStatement("");
            }
        } else if (statement.needsParse()) {
            parses = true;
            if (statement.mayExist()) {
                out.closeStatement(statement.name());
            }
            out.parse(statement.name(), statement.sql(), statement.types());
            describesStatement = statement.describesOnce();
            if (describesStatement) {
                out.describeStatement(statement.name());
                describePortal = false;
            }
            statement.parsing();
        } else if (statement.describesOnce() && statement.isDescribed()) {
            // The server checks at Bind that the plan still returns these columns (0A000 if not): no Describe.
            // Known before Bind, they may come in binary where the reader wants it.
            formats = resultFormats == null || statement.fields() == null ? null
                    : resultFormats.choose(statement.fields());
            fields = statement.fields(formats);
            describePortal = false;
        }
        byte[] name = statement == null ? NO_NAME : statement.encodedName();
        if (paramRows == null) {
            execute(out, name, params, describePortal, formats);
        } else {
            for (byte[][] row : paramRows) {
                execute(out, name, row, describePortal, null);
            }
        }
        // Encoded now: a long pipeline keeps only the bytes on their way, not the values.
        params = null;
        paramRows = null;
        if (!pipelined) {
            out.sync();
        }
    }

    private static final byte[] NO_NAME = new byte[0];

    private static void execute(FrontendEncoder out, byte[] statementName, byte[][] params, boolean describe,
            short[] formats) {
        out.bind(statementName, params, formats);
        if (describe) {
            out.describePortal();
        }
        out.execute();
    }

    @Override
    public boolean handle(BackendMessage m, FrontendEncoder out) {
        switch (m) {
            case ParseComplete p -> parsed = true;
            case BindComplete b -> { }
            case CloseComplete c -> { }
            case NoData n -> {
                if (describesStatement) statement.described(null);
                return describeOnly && pipelined && complete();
            }
            case ParameterDescription p -> parameterTypes = p.typeOids();
            case RowDescription d -> {
                fields = d.fields();
                if (describesStatement) statement.described(fields);
                return describeOnly && pipelined && complete();
            }
            case DataRow r -> {
                if (keepResult) {
                    if (rows == null) rows = new ArrayList<>();
                    rows.add(r);
                }
            }
            case CommandComplete c -> {
                commandTag = c.tag();
                long n = QueryResult.rowCount(c.tag());
                if (n >= 0) rowCount = (rowCount < 0 ? 0 : rowCount) + n;
                if (executions > 1) {
                    if (rowCounts == null) rowCounts = new long[executions];
                    rowCounts[executedCount] = n;
                }
                executedCount++;
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

    /** Whether this operation sent a Parse (known once it is submitted). */
    public boolean parses() {
        return parses;
    }

    /** Whether the Parse of this operation succeeded: the statement now exists on the server. */
    public boolean parsed() {
        return parsed;
    }

    /** The result of a single execution; null when it failed. */
    public QueryResult result() {
        // The row count as read from the tag when it came: the tag is parsed once.
        return error == null ? new QueryResult(fields, fields == null || rows == null ? List.of() : rows, commandTag,
                rowCount) : null;
    }

    /** Rows affected by all the executions together, -1 when none reported a count. */
    public long rowCount() {
        return rowCount;
    }

    /** Rows affected by each execution that completed, in order (-1 where the command reports none). */
    public long[] rowCounts() {
        if (rowCounts == null) {
            return executedCount == 0 ? new long[0] : new long[] {rowCount};
        }
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
