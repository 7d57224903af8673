package dev.pgreen.extras;

import dev.pgreen.Connection;
import dev.pgreen.Cursor;
import dev.pgreen.errors.PgException;
import dev.pgreen.errors.ProgrammingException;

import java.util.Map;

/**
 * A cursor that logs the query it sends, as mogrified, and logs then rethrows
 * any error (psycopg2's {@code LoggingCursor}). Its connection must be a
 * {@link LoggingConnection}.
 */
public class LoggingCursor extends Cursor {
    private final LoggingConnection logging;

    /**
     * A logging cursor; {@link LoggingConnection} makes these by default.
     *
     * @param conn its connection, a {@link LoggingConnection}
     * @param name the name of a server-side cursor, or null
     * @throws ProgrammingException if {@code conn} is not a {@link LoggingConnection}
     */
    public LoggingCursor(Connection conn, String name) {
        super(conn, name);
        if (!(conn instanceof LoggingConnection lc)) {
            throw new ProgrammingException("LoggingCursor needs a LoggingConnection, not "
                    + conn.getClass().getName());
        }
        this.logging = lc;
    }

    @Override
    public Cursor execute(String sql, Object... args) {
        logging.checkInitialized();
        return logged(() -> super.execute(sql, args));
    }

    @Override
    public Cursor execute(String sql, Map<String, ?> args) {
        logging.checkInitialized();
        return logged(() -> super.execute(sql, args));
    }

    @Override
    public Cursor callProc(String procName, Object... args) {
        logging.checkInitialized();
        return logged(() -> super.callProc(procName, args));
    }

    private Cursor logged(java.util.function.Supplier<Cursor> run) {
        try {
            return run.get();
        } catch (PgException e) {
            logging.log("error: " + e.getClass().getSimpleName()
                    + (e.sqlState() == null ? "" : " [" + e.sqlState() + "]") + ": " + e.getMessage(), this);
            throw e;
        } finally {
            if (query() != null) {
                logging.log(query(), this);
            }
        }
    }
}
