package dev.pgreen.errors;

/**
 * The statement was cancelled (psycopg2's {@code QueryCanceledError}, SQLSTATE 57014): by
 * {@code Connection.cancel()}, by interrupting the thread waiting for it, or by {@code statement_timeout}.
 * The connection stays usable.
 */
public class QueryCanceledException extends OperationalException {
    /**
     * An error raised by the client, with no SQLSTATE.
     *
     * @param message what went wrong
     */
    public QueryCanceledException(String message) {
        super(message);
    }

    /**
     * An error raised by the client because of {@code cause}, with no SQLSTATE.
     *
     * @param message what went wrong
     * @param cause the failure underneath, or null
     */
    public QueryCanceledException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * An error with the fields of the server's ErrorResponse, when the server reported it.
     *
     * @param message what went wrong (for a server error, its primary message)
     * @param cause the failure underneath, or null
     * @param diag the server's error fields, or null (read as {@link Diagnostics#EMPTY}) for a client-side error
     */
    public QueryCanceledException(String message, Throwable cause, Diagnostics diag) {
        super(message, cause, diag);
    }
}
