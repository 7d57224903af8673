package dev.pgreen.protocol;

import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.PgException;
import dev.pgreen.protocol.BackendMessage.*;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A simple Query whose rows are handed over as they arrive (psycopg 3's
 * {@code stream}), instead of being kept until the end. Its caller takes them
 * between waits; a wait returns as soon as some are here, so at most one
 * socket read's worth is held at a time. A RowDescription is queued in line
 * with the rows, so a multi-statement query's results keep their columns.
 *
 * <p>A single query whose reader can take some columns in binary ({@link #of}) goes over the extended
 * protocol instead: Parse and Describe of the unnamed statement and a Flush, then, once its columns are known,
 * Bind with their formats, Execute and Sync. One more round trip, for a stream that is usually long.
 */
public final class StreamOperation implements Operation {
    private final String sql;
    /** Chooses the columns' formats once the statement is described; null: a simple Query, all text. */
    private final ResultFormats formats;
    /** Over the extended protocol: whether the Sync has gone out (after Bind and Execute, or after an error). */
    private boolean synced;
    /** {@link DataRow}s and, where a result starts, its {@code List<Field>}. */
    private final ArrayDeque<Object> received = new ArrayDeque<>();
    private boolean discarding;
    private boolean complete;
    private PgException error;
    private String commandTag;

    public StreamOperation(String sql) {
        this(sql, null);
    }

    private StreamOperation(String sql, ResultFormats formats) {
        this.sql = sql;
        this.formats = formats;
    }

    /**
     * A stream of {@code sql} whose columns come in the formats {@code formats} chooses when it is one query
     * that the extended protocol runs just as a simple Query would; otherwise (or when {@code formats} is null)
     * a simple Query, all in text.
     */
    public static StreamOperation of(String sql, ResultFormats formats) {
        return new StreamOperation(sql, formats != null && isSingleQuery(sql) ? formats : null);
    }

    /**
     * Whether {@code sql} is certainly one query without parameters: it starts with SELECT, WITH, VALUES or
     * TABLE, has no semicolon but at its end, and no {@code $n}. Conservative, with no lexer: a semicolon or a
     * {@code $1} inside a string or a comment also keeps the simple Query (which would run several statements,
     * and reports a stray {@code $1} as its own error). A Parse of anything else could fail where the Query
     * would not, and abort the transaction.
     */
    static boolean isSingleQuery(String sql) {
        String keyword = ServerStatement.firstKeyword(sql);
        boolean query = false;
        for (String k : QUERIES) {
            query |= k.equalsIgnoreCase(keyword);
        }
        if (!query || sql.indexOf('\0') >= 0) {
            return false;
        }
        int end = sql.length();
        while (end > 0 && (Character.isWhitespace(sql.charAt(end - 1)) || sql.charAt(end - 1) == ';')) {
            end--;
        }
        for (int i = 0; i < end; i++) {
            char c = sql.charAt(i);
            if (c == ';' || (c == '$' && i + 1 < end && Character.isDigit(sql.charAt(i + 1)))) {
                return false;
            }
        }
        return true;
    }

    private static final String[] QUERIES = {"SELECT", "WITH", "VALUES", "TABLE"};
    private static final byte[] UNNAMED = new byte[0];
    private static final byte[][] NO_PARAMS = new byte[0][];

    @Override
    public void start(FrontendEncoder out) {
        if (formats == null) {
            out.query(sql);
            return;
        }
        out.parse("", sql, null);
        out.describeStatement("");
        out.flush();
    }

    /** Described: Bind (with {@code resultFormats}, null for text), Execute and Sync; when discarding, Sync alone. */
    private void execute(FrontendEncoder out, short[] resultFormats) {
        if (!discarding) {
            out.bind(UNNAMED, NO_PARAMS, resultFormats);
            out.execute();
        }
        out.sync();
        synced = true;
    }

    @Override
    public boolean handle(BackendMessage m, FrontendEncoder out) {
        switch (m) {
            case ParseComplete p when formats != null -> { }
            case ParameterDescription p when formats != null -> { }
            case BindComplete b when formats != null -> { }
            case NoData n when formats != null && !synced -> execute(out, null);
            case RowDescription d when formats != null && !synced -> {
                short[] chosen = discarding ? null : formats.choose(d.fields());
                execute(out, chosen);
                if (!discarding) received.add(ResultFormats.apply(d.fields(), chosen));
            }
            case RowDescription d -> {
                if (!discarding) received.add(d.fields());
            }
            case DataRow r -> {
                if (!discarding) received.add(r);
            }
            case CommandComplete c -> commandTag = c.tag();
            case EmptyQueryResponse e -> {
                if (error == null) error = new dev.pgreen.errors.ProgrammingException("can't execute an empty query");
            }
            case ErrorResponse e -> {
                if (error == null) error = ServerErrors.toException(e.fields());
                if (formats != null && !synced) {
                    // The Parse or the Describe failed: the server skips everything up to a Sync.
                    out.sync();
                    synced = true;
                }
            }
            case CopyResponse c -> {
                PgException refused = SimpleQueryOperation.endUnwantedCopy(c, out);
                if (error == null) error = refused;
            }
            case CopyData d -> { }
            case CopyDone d -> { }
            case ReadyForQuery z -> {
                complete = true;
                return true;
            }
            default -> throw new InterfaceException("protocol error: unexpected "
                    + m.getClass().getSimpleName() + " in reply to a query");
        }
        return false;
    }

    /** Rows waiting for the caller do not hold it up. */
    @Override
    public boolean blocksCaller() {
        return received.isEmpty();
    }

    /** What arrived since the last call: {@link DataRow}s, each result's {@code List<Field>} before its rows. */
    public List<Object> take() {
        List<Object> taken = new ArrayList<>(received);
        received.clear();
        return taken;
    }

    /** From now on rows are dropped as they arrive: the caller stopped early and only waits for the end. */
    public void discard() {
        discarding = true;
        received.clear();
    }

    public boolean isComplete() {
        return complete;
    }

    /** The last statement's command tag, once complete. */
    public String commandTag() {
        return commandTag;
    }

    @Override
    public PgException error() {
        return error;
    }
}
