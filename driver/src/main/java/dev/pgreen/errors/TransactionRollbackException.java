package dev.pgreen.errors;

/** The transaction was rolled back by the server: a serialization failure or a deadlock (class 40). */
public class TransactionRollbackException extends OperationalException {
    public TransactionRollbackException(String message) {
        super(message);
    }

    public TransactionRollbackException(String message, Throwable cause) {
        super(message, cause);
    }

    public TransactionRollbackException(String message, Throwable cause, Diagnostics diag) {
        super(message, cause, diag);
    }
}
