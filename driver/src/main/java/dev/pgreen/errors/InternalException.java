package dev.pgreen.errors;

/** The database hit an internal error, or the transaction is out of sync. */
public class InternalException extends DatabaseException {
    public InternalException(String message) {
        super(message);
    }

    public InternalException(String message, Throwable cause) {
        super(message, cause);
    }

    public InternalException(String message, Throwable cause, Diagnostics diag) {
        super(message, cause, diag);
    }
}
