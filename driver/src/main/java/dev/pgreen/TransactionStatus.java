package dev.pgreen;

/** The server's transaction state as of the last ReadyForQuery (libpq's PQtransactionStatus). */
public enum TransactionStatus {
    IDLE, ACTIVE, INTRANS, INERROR, UNKNOWN
}
