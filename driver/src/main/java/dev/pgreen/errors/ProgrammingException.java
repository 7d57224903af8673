package dev.pgreen.errors;

/** Programming errors: a syntax error, a missing table, wrong arguments, misuse of the API. */
public class ProgrammingException extends DatabaseException {
    public ProgrammingException(String message) {
        super(message);
    }

    public ProgrammingException(String message, Throwable cause) {
        super(message, cause);
    }

    public ProgrammingException(String message, Throwable cause, Diagnostics diag) {
        super(message, cause, diag);
    }
}
