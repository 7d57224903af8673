package dev.pgreen.errors;

/**
 * A violated integrity constraint (psycopg2's {@code IntegrityError}): SQLSTATE class 23, such as a
 * duplicate key (23505) or a failed foreign key check (23503). {@link Diagnostics#constraint()} names the
 * constraint.
 */
public class IntegrityException extends DatabaseException {
    /**
     * An error raised by the client, with no SQLSTATE.
     *
     * @param message what went wrong
     */
    public IntegrityException(String message) {
        super(message);
    }

    /**
     * An error raised by the client because of {@code cause}, with no SQLSTATE.
     *
     * @param message what went wrong
     * @param cause the failure underneath, or null
     */
    public IntegrityException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * An error with the fields of the server's ErrorResponse, when the server reported it.
     *
     * @param message what went wrong (for a server error, its primary message)
     * @param cause the failure underneath, or null
     * @param diag the server's error fields, or null (read as {@link Diagnostics#EMPTY}) for a client-side error
     */
    public IntegrityException(String message, Throwable cause, Diagnostics diag) {
        super(message, cause, diag);
    }
}
