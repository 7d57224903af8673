package dev.pgreen.errors;

/**
 * The server rolled the transaction back (psycopg2's {@code TransactionRollbackError}): SQLSTATE class 40,
 * a serialization failure (40001) or a deadlock (40P01). Retrying the transaction may succeed.
 */
public class TransactionRollbackException extends OperationalException {
    /**
     * An error raised by the client, with no SQLSTATE.
     *
     * @param message what went wrong
     */
    public TransactionRollbackException(String message) {
        super(message);
    }

    /**
     * An error raised by the client because of {@code cause}, with no SQLSTATE.
     *
     * @param message what went wrong
     * @param cause the failure underneath, or null
     */
    public TransactionRollbackException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * An error with the fields of the server's ErrorResponse, when the server reported it.
     *
     * @param message what went wrong (for a server error, its primary message)
     * @param cause the failure underneath, or null
     * @param diag the server's error fields, or null (read as {@link Diagnostics#EMPTY}) for a client-side error
     */
    public TransactionRollbackException(String message, Throwable cause, Diagnostics diag) {
        super(message, cause, diag);
    }
}
