package dev.pgreen;

/**
 * Transaction isolation levels, for {@link Connection#setSession(IsolationLevel, Boolean, Boolean)}
 * (psycopg2's {@code ISOLATION_LEVEL_*} constants).
 */
public enum IsolationLevel {
    /** {@code READ UNCOMMITTED}, which PostgreSQL runs as READ COMMITTED. */
    READ_UNCOMMITTED("READ UNCOMMITTED"),
    /** {@code READ COMMITTED}: each statement sees what was committed before it began. */
    READ_COMMITTED("READ COMMITTED"),
    /** {@code REPEATABLE READ}: the transaction sees one snapshot, taken at its first statement. */
    REPEATABLE_READ("REPEATABLE READ"),
    /**
     * {@code SERIALIZABLE}: as if the transactions ran one at a time; a conflict raises a
     * {@link dev.pgreen.errors.TransactionRollbackException} (40001).
     */
    SERIALIZABLE("SERIALIZABLE"),
    /** The server's default ({@code default_transaction_isolation}): no level is set for the session. */
    DEFAULT(null);

    private final String sql;

    IsolationLevel(String sql) {
        this.sql = sql;
    }

    /**
     * The level as SQL spells it.
     *
     * @return e.g. {@code REPEATABLE READ}, or null for {@code DEFAULT}
     */
    public String sql() {
        return sql;
    }
}
