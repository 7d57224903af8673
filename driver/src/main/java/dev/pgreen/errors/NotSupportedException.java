package dev.pgreen.errors;

/** A method or database feature that is not supported. */
public class NotSupportedException extends DatabaseException {
    public NotSupportedException(String message) {
        super(message);
    }

    public NotSupportedException(String message, Throwable cause) {
        super(message, cause);
    }

    public NotSupportedException(String message, Throwable cause, Diagnostics diag) {
        super(message, cause, diag);
    }
}
