package dev.pgreen;

/**
 * The server's transaction state as of the last ReadyForQuery (libpq's {@code PQtransactionStatus},
 * psycopg2's {@code TRANSACTION_STATUS_*}), from {@link Connection#transactionStatus()}.
 */
public enum TransactionStatus {
    /** No transaction is open. */
    IDLE,
    /** A command is in progress. */
    ACTIVE,
    /** Inside a transaction block, which has not failed. */
    INTRANS,
    /** Inside a failed transaction block: every command is refused until a rollback. */
    INERROR,
    /** Not known: the connection is closed or broken. */
    UNKNOWN
}
