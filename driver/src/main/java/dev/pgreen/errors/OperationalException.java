package dev.pgreen.errors;

/**
 * An error in the database's operation, not under the programmer's control (psycopg2's
 * {@code OperationalError}): a failed connect (refused, timed out, bad password, unknown database), a lost
 * connection, a server shutting down, resources exhausted. SQLSTATE classes 08, 26, 27, 28, 34, 53, 54,
 * 55, 57, 58 and HV; a client-side failure to reach the server has a null {@link #sqlState()}.
 */
public class OperationalException extends DatabaseException {
    /**
     * An error raised by the client, with no SQLSTATE.
     *
     * @param message what went wrong
     */
    public OperationalException(String message) {
        super(message);
    }

    /**
     * An error raised by the client because of {@code cause}, with no SQLSTATE.
     *
     * @param message what went wrong
     * @param cause the failure underneath, or null
     */
    public OperationalException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * An error with the fields of the server's ErrorResponse, when the server reported it.
     *
     * @param message what went wrong (for a server error, its primary message)
     * @param cause the failure underneath, or null
     * @param diag the server's error fields, or null (read as {@link Diagnostics#EMPTY}) for a client-side error
     */
    public OperationalException(String message, Throwable cause, Diagnostics diag) {
        super(message, cause, diag);
    }
}
