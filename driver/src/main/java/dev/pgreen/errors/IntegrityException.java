package dev.pgreen.errors;

/** A violated constraint: a duplicate key, a failed foreign key check. */
public class IntegrityException extends DatabaseException {
    public IntegrityException(String message) {
        super(message);
    }

    public IntegrityException(String message, Throwable cause) {
        super(message, cause);
    }

    public IntegrityException(String message, Throwable cause, Diagnostics diag) {
        super(message, cause, diag);
    }
}
