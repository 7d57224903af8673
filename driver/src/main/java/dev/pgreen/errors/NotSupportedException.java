package dev.pgreen.errors;

/**
 * A method or database feature that is not supported (psycopg2's {@code NotSupportedError}): SQLSTATE
 * class 0A.
 */
public class NotSupportedException extends DatabaseException {
    /**
     * An error raised by the client, with no SQLSTATE.
     *
     * @param message what went wrong
     */
    public NotSupportedException(String message) {
        super(message);
    }

    /**
     * An error raised by the client because of {@code cause}, with no SQLSTATE.
     *
     * @param message what went wrong
     * @param cause the failure underneath, or null
     */
    public NotSupportedException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * An error with the fields of the server's ErrorResponse, when the server reported it.
     *
     * @param message what went wrong (for a server error, its primary message)
     * @param cause the failure underneath, or null
     * @param diag the server's error fields, or null (read as {@link Diagnostics#EMPTY}) for a client-side error
     */
    public NotSupportedException(String message, Throwable cause, Diagnostics diag) {
        super(message, cause, diag);
    }
}
