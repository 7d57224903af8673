package dev.pgreen.errors;

/**
 * The database hit an internal error, or the transaction state is out of sync (psycopg2's
 * {@code InternalError}): SQLSTATE classes 24, 25, 2B, 2D, 2F, 38, 39, 3B, F0, P0 (PL/pgSQL's RAISE) and
 * XX.
 */
public class InternalException extends DatabaseException {
    /**
     * An error raised by the client, with no SQLSTATE.
     *
     * @param message what went wrong
     */
    public InternalException(String message) {
        super(message);
    }

    /**
     * An error raised by the client because of {@code cause}, with no SQLSTATE.
     *
     * @param message what went wrong
     * @param cause the failure underneath, or null
     */
    public InternalException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * An error with the fields of the server's ErrorResponse, when the server reported it.
     *
     * @param message what went wrong (for a server error, its primary message)
     * @param cause the failure underneath, or null
     * @param diag the server's error fields, or null (read as {@link Diagnostics#EMPTY}) for a client-side error
     */
    public InternalException(String message, Throwable cause, Diagnostics diag) {
        super(message, cause, diag);
    }
}
