package dev.pgreen.errors;

/**
 * Root of every exception pgreen raises (psycopg2's {@code Error}). Unchecked.
 *
 * <p>Errors reported by the server carry their SQLSTATE and every field of the
 * ErrorResponse in {@link #diag()}; errors raised by the client have a null
 * {@link #sqlState()} and empty diagnostics.
 */
public class PgException extends RuntimeException {
    private final Diagnostics diag;

    public PgException(String message) {
        this(message, null, Diagnostics.EMPTY);
    }

    public PgException(String message, Throwable cause) {
        this(message, cause, Diagnostics.EMPTY);
    }

    public PgException(String message, Throwable cause, Diagnostics diag) {
        super(message, cause);
        this.diag = diag == null ? Diagnostics.EMPTY : diag;
    }

    /** The five-character SQLSTATE the server sent, or null for a client-side error. */
    public String sqlState() {
        return diag.sqlState();
    }

    public Diagnostics diag() {
        return diag;
    }
}
