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
 */
public final class StreamOperation implements Operation {
    private final String sql;
    /** {@link DataRow}s and, where a result starts, its {@code List<Field>}. */
    private final ArrayDeque<Object> received = new ArrayDeque<>();
    private boolean discarding;
    private boolean complete;
    private PgException error;
    private String commandTag;

    public StreamOperation(String sql) {
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
