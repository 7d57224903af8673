package dev.pgreen.protocol;

import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.PgException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.protocol.BackendMessage.*;

import java.util.List;

/**
 * One prepared statement executed for many parameter rows in one round trip:
 * Parse (unless prepared), then Bind and Execute per row, then one Sync. The
 * rows before Sync form one unit: the first error skips the rest.
 */
public final class ExtendedBatchOperation implements Operation {
    private final String statementName;
    private final String sql;
    private final List<byte[][]> rows;
    private long rowCount = -1;
    private boolean parsed;
    private PgException error;

    /** @param sql null when {@code statementName} is already prepared on this connection */
    public ExtendedBatchOperation(String statementName, String sql, List<byte[][]> rows) {
        this.statementName = statementName;
        this.sql = sql;
        this.rows = rows;
    }

    @Override
    public void start(FrontendEncoder out) {
        if (sql != null) {
            out.parse(statementName, sql);
        }
        for (byte[][] params : rows) {
            out.bind(statementName, params);
            out.execute();
        }
        out.sync();
    }

    @Override
    public boolean handle(BackendMessage m, FrontendEncoder out) {
        switch (m) {
            case ParseComplete p -> parsed = true;
            case BindComplete b -> { }
            case DataRow r -> { }
            case CommandComplete c -> {
                long n = new QueryResult(null, List.of(), c.tag()).rowCount();
                if (n >= 0) rowCount = (rowCount < 0 ? 0 : rowCount) + n;
            }
            case EmptyQueryResponse e -> {
                if (error == null) error = new ProgrammingException("can't execute an empty query");
            }
            case PortalSuspended s -> { }
            case ErrorResponse e -> {
                if (error == null) error = ServerErrors.toException(e.fields());
            }
            case ReadyForQuery z -> {
                return true;
            }
            default -> throw new InterfaceException("protocol error: unexpected "
                    + m.getClass().getSimpleName() + " in reply to a prepared batch");
        }
        return false;
    }

    public boolean parsed() {
        return parsed;
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
