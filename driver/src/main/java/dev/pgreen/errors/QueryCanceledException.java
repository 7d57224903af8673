package dev.pgreen.errors;

/** The statement was cancelled (SQLSTATE 57014): by cancel(), an interrupt, or statement_timeout. */
public class QueryCanceledException extends OperationalException {
    public QueryCanceledException(String message) {
        super(message);
    }

    public QueryCanceledException(String message, Throwable cause) {
        super(message, cause);
    }

    public QueryCanceledException(String message, Throwable cause, Diagnostics diag) {
        super(message, cause, diag);
    }
}
