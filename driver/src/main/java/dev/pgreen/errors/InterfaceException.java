package dev.pgreen.errors;

/**
 * An error of the driver itself or of its use of a connection, not reported by the server (psycopg2's
 * {@code InterfaceError}): an operation on a closed connection or cursor ("connection already closed"),
 * or a protocol violation. Its {@link #sqlState()} is null.
 */
public class InterfaceException extends PgException {
    /**
     * An error raised by the client, with no SQLSTATE.
     *
     * @param message what went wrong
     */
    public InterfaceException(String message) {
        super(message);
    }

    /**
     * An error raised by the client because of {@code cause}, with no SQLSTATE.
     *
     * @param message what went wrong
     * @param cause the failure underneath, or null
     */
    public InterfaceException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * An error with the fields of the server's ErrorResponse, when the server reported it.
     *
     * @param message what went wrong (for a server error, its primary message)
     * @param cause the failure underneath, or null
     * @param diag the server's error fields, or null (read as {@link Diagnostics#EMPTY}) for a client-side error
     */
    public InterfaceException(String message, Throwable cause, Diagnostics diag) {
        super(message, cause, diag);
    }
}
