package dev.pgreen.errors;

/**
 * A problem with the processed data (psycopg2's {@code DataError}): SQLSTATE classes 02 (no data) and 22
 * (data exception: division by zero, a value out of range, an invalid text representation). The client
 * raises it too for a value PostgreSQL cannot hold, such as a string with a NUL character.
 */
public class DataException extends DatabaseException {
    /**
     * An error raised by the client, with no SQLSTATE.
     *
     * @param message what went wrong
     */
    public DataException(String message) {
        super(message);
    }

    /**
     * An error raised by the client because of {@code cause}, with no SQLSTATE.
     *
     * @param message what went wrong
     * @param cause the failure underneath, or null
     */
    public DataException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * An error with the fields of the server's ErrorResponse, when the server reported it.
     *
     * @param message what went wrong (for a server error, its primary message)
     * @param cause the failure underneath, or null
     * @param diag the server's error fields, or null (read as {@link Diagnostics#EMPTY}) for a client-side error
     */
    public DataException(String message, Throwable cause, Diagnostics diag) {
        super(message, cause, diag);
    }
}
