package dev.pgreen.protocol;

import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.PgException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.protocol.BackendMessage.*;

import java.util.ArrayList;
import java.util.List;

/**
 * One statement over the extended protocol with server-side parameters:
 * Parse (unless the statement is already prepared), Bind, Describe, Execute,
 * Sync. The server plans a prepared statement once and reuses the plan.
 */
public final class ExtendedQueryOperation implements Operation {
    private final String statementName;
    private final String sql;
    private final byte[][] params;
    private List<Field> fields;
    private final List<DataRow> rows = new ArrayList<>();
    private String commandTag;
    private boolean parsed;
    private PgException error;

    /** @param sql null when {@code statementName} is already prepared on this connection */
    public ExtendedQueryOperation(String statementName, String sql, byte[][] params) {
        this.statementName = statementName;
        this.sql = sql;
        this.params = params;
    }

    @Override
    public void start(FrontendEncoder out) {
        if (sql != null) {
            out.parse(statementName, sql);
        }
        out.bind(statementName, params);
        out.describePortal();
        out.execute();
        out.sync();
    }

    @Override
    public boolean handle(BackendMessage m, FrontendEncoder out) {
        switch (m) {
            case ParseComplete p -> parsed = true;
            case BindComplete b -> { }
            case NoData n -> { }
            case RowDescription d -> fields = d.fields();
            case DataRow r -> rows.add(r);
            case CommandComplete c -> commandTag = c.tag();
            case EmptyQueryResponse e -> {
                if (error == null) error = new ProgrammingException("can't execute an empty query");
            }
            case PortalSuspended s -> { }
            case CopyResponse c -> {
                if (error == null) error = new ProgrammingException("COPY cannot run as a prepared statement: use the copy methods");
                if (c.kind() == 'G') out.copyFail("COPY is not supported in a prepared statement");
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

    public QueryResult result() {
        return error == null ? new QueryResult(fields, fields == null ? List.of() : rows, commandTag) : null;
    }

    @Override
    public PgException error() {
        return error;
    }
}
