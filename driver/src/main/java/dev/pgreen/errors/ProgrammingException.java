package dev.pgreen.errors;

/**
 * A programming error (psycopg2's {@code ProgrammingError}): from the server, SQLSTATE classes 20, 21, 3D,
 * 3F, 42 (a syntax error, an undefined table or column) and 44; from the client, with a null
 * {@link #sqlState()}, a misuse of the API: a malformed DSN, wrong query arguments, fetching without a
 * result, re-entering a connection whose operation is in progress.
 */
public class ProgrammingException extends DatabaseException {
    /**
     * An error raised by the client, with no SQLSTATE.
     *
     * @param message what went wrong
     */
    public ProgrammingException(String message) {
        super(message);
    }

    /**
     * An error raised by the client because of {@code cause}, with no SQLSTATE.
     *
     * @param message what went wrong
     * @param cause the failure underneath, or null
     */
    public ProgrammingException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * An error with the fields of the server's ErrorResponse, when the server reported it.
     *
     * @param message what went wrong (for a server error, its primary message)
     * @param cause the failure underneath, or null
     * @param diag the server's error fields, or null (read as {@link Diagnostics#EMPTY}) for a client-side error
     */
    public ProgrammingException(String message, Throwable cause, Diagnostics diag) {
        super(message, cause, diag);
    }
}
