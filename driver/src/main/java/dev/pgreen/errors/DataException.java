package dev.pgreen.errors;

/** Problems with the processed data: division by zero, a value out of range, a NUL in a string. */
public class DataException extends DatabaseException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }

    public DataException(String message, Throwable cause, Diagnostics diag) {
        super(message, cause, diag);
    }
}
