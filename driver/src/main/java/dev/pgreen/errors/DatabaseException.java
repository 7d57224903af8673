package dev.pgreen.errors;

/** Errors reported by the database. */
public class DatabaseException extends PgException {
    public DatabaseException(String message) {
        super(message);
    }

    public DatabaseException(String message, Throwable cause) {
        super(message, cause);
    }

    public DatabaseException(String message, Throwable cause, Diagnostics diag) {
        super(message, cause, diag);
    }
}
