package dev.pgreen.errors;

/**
 * Root of every exception pgreen raises (psycopg2's {@code Error}). Unchecked, like every exception of
 * the driver.
 *
 * <p>Errors reported by the server carry their SQLSTATE and every field of the
 * ErrorResponse in {@link #diag()}; errors raised by the client have a null
 * {@link #sqlState()} and empty diagnostics.
 */
public class PgException extends RuntimeException {
    /** The server's error fields; {@link Diagnostics#EMPTY} for an error raised by the client. */
    private final Diagnostics diag;

    /**
     * An error raised by the client, with no SQLSTATE.
     *
     * @param message what went wrong
     */
    public PgException(String message) {
        this(message, null, Diagnostics.EMPTY);
    }

    /**
     * An error raised by the client because of {@code cause}, with no SQLSTATE.
     *
     * @param message what went wrong
     * @param cause the failure underneath, or null
     */
    public PgException(String message, Throwable cause) {
        this(message, cause, Diagnostics.EMPTY);
    }

    /**
     * An error with the fields of the server's ErrorResponse, when the server reported it.
     *
     * @param message what went wrong (for a server error, its primary message)
     * @param cause the failure underneath, or null
     * @param diag the server's error fields, or null (read as {@link Diagnostics#EMPTY}) for a client-side error
     */
    public PgException(String message, Throwable cause, Diagnostics diag) {
        super(message, cause);
        this.diag = diag == null ? Diagnostics.EMPTY : diag;
    }

    /**
     * The error's SQLSTATE, as the server sent it ({@code diag().sqlState()}).
     *
     * @return the five-character code, such as {@code 23505}, or null for an error raised by the client
     */
    public String sqlState() {
        return diag.sqlState();
    }

    /**
     * Every field of the server's ErrorResponse (psycopg2's {@code Error.diag}).
     *
     * @return the fields; never null, empty for an error raised by the client
     */
    public Diagnostics diag() {
        return diag;
    }
}
