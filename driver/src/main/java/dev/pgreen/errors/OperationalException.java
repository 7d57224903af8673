package dev.pgreen.errors;

/** Errors in the database's operation, not under the programmer's control: a lost connection, a failed connect, a cancelled query. */
public class OperationalException extends DatabaseException {
    public OperationalException(String message) {
        super(message);
    }

    public OperationalException(String message, Throwable cause) {
        super(message, cause);
    }

    public OperationalException(String message, Throwable cause, Diagnostics diag) {
        super(message, cause, diag);
    }
}
