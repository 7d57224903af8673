package dev.pgreen.jdbc;

import dev.pgreen.errors.DataException;
import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.NotSupportedException;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.PgException;

import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;

/**
 * pgreen's exceptions as JDBC 4's: the server's SQLSTATE and message, the subclass chosen by the SQLSTATE
 * class, the pgreen exception (with the server's {@code diag()}) as the cause, reachable by {@link #unwrap}.
 */
final class SqlExceptions {
    private SqlExceptions() {}

    /** The JDBC exception for a pgreen one; a statement cancelled by its query timeout is a timeout. */
    static SQLException map(RuntimeException e, boolean timedOut) {
        if (!(e instanceof PgException pg)) {
            return new SQLException(e.toString(), null, e);
        }
        String state = pg.sqlState() != null ? pg.sqlState() : clientState(pg);
        String message = pg.getMessage();
        if (timedOut && "57014".equals(state)) {
            return new SQLTimeoutException("the query timeout passed: " + message, state, pg);
        }
        return of(message, state, pg);
    }

    /** The JDBC 4 subclass for {@code state} (null: a plain SQLException). */
    static SQLException of(String message, String state, Throwable cause) {
        if (state == null || state.length() < 2) {
            return new SQLException(message, state, cause);
        }
        return switch (state.substring(0, 2)) {
            case "08" -> switch (state) {
                case "08000", "08001", "08006" -> new SQLTransientConnectionException(message, state, cause);
                default -> new SQLNonTransientConnectionException(message, state, cause);
            };
            case "22" -> new SQLDataException(message, state, cause);
            case "23" -> new SQLIntegrityConstraintViolationException(message, state, cause);
            case "28" -> new SQLInvalidAuthorizationSpecException(message, state, cause);
            case "0A" -> new SQLFeatureNotSupportedException(message, state, cause);
            case "40" -> new SQLTransactionRollbackException(message, state, cause);
            case "42" -> new SQLSyntaxErrorException(message, state, cause);
            // The server is going away or out of connections: the connection is lost, another may work.
            case "57" -> state.startsWith("57P")
                    ? new SQLNonTransientConnectionException(message, state, cause)
                    : new SQLException(message, state, cause);
            case "53" -> state.equals("53300") ? new SQLTransientConnectionException(message, state, cause)
                    : new SQLTransientException(message, state, cause);
            default -> new SQLException(message, state, cause);
        };
    }

    /** A SQLSTATE for the errors pgreen raises itself (no server message behind them). */
    private static String clientState(PgException e) {
        return switch (e) {
            case InterfaceException i -> "08003";
            case OperationalException o -> "08006";
            case NotSupportedException n -> "0A000";
            case DataException d -> "22000";
            default -> null;
        };
    }

    /** The result set, statement or connection is closed. */
    static SQLException closed(String what) {
        return what.equals("the connection") ? new SQLNonTransientConnectionException("the connection is closed",
                "08003") : new SQLException(what + " is closed", "55000");
    }

    /** Wrapper.unwrap for an object that wraps nothing but itself. */
    static <T> T unwrap(Object self, Class<T> iface) throws SQLException {
        if (iface.isInstance(self)) {
            return iface.cast(self);
        }
        throw new SQLException("not a wrapper for " + iface.getName(), "22023");
    }

    static SQLFeatureNotSupportedException notSupported(String what) {
        return new SQLFeatureNotSupportedException(what + " is not supported by pgreen's JDBC driver", "0A000");
    }
}
