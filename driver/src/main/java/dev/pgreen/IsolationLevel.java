package dev.pgreen;

/** Transaction isolation levels; {@code DEFAULT} means the server's default. */
public enum IsolationLevel {
    READ_UNCOMMITTED("READ UNCOMMITTED"),
    READ_COMMITTED("READ COMMITTED"),
    REPEATABLE_READ("REPEATABLE READ"),
    SERIALIZABLE("SERIALIZABLE"),
    DEFAULT(null);

    private final String sql;

    IsolationLevel(String sql) {
        this.sql = sql;
    }

    /** The level as SQL spells it, or null for {@code DEFAULT}. */
    public String sql() {
        return sql;
    }
}
