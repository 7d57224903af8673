package dev.pgreen.errors;

/**
 * An error reported by the database, or about the database's work (psycopg2's {@code DatabaseError}).
 * A server error whose SQLSTATE falls in none of the classes of the subclasses is raised as this class
 * itself; the subclasses follow psycopg2's table of SQLSTATE classes (see {@link SqlStates}).
 */
public class DatabaseException extends PgException {
    /**
     * An error raised by the client, with no SQLSTATE.
     *
     * @param message what went wrong
     */
    public DatabaseException(String message) {
        super(message);
    }

    /**
     * An error raised by the client because of {@code cause}, with no SQLSTATE.
     *
     * @param message what went wrong
     * @param cause the failure underneath, or null
     */
    public DatabaseException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * An error with the fields of the server's ErrorResponse, when the server reported it.
     *
     * @param message what went wrong (for a server error, its primary message)
     * @param cause the failure underneath, or null
     * @param diag the server's error fields, or null (read as {@link Diagnostics#EMPTY}) for a client-side error
     */
    public DatabaseException(String message, Throwable cause, Diagnostics diag) {
        super(message, cause, diag);
    }
}
