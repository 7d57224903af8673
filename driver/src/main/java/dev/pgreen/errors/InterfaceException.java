package dev.pgreen.errors;

/** Errors in the driver itself or its use of the connection: a closed connection or cursor, a protocol violation. */
public class InterfaceException extends PgException {
    public InterfaceException(String message) {
        super(message);
    }

    public InterfaceException(String message, Throwable cause) {
        super(message, cause);
    }

    public InterfaceException(String message, Throwable cause, Diagnostics diag) {
        super(message, cause, diag);
    }
}
