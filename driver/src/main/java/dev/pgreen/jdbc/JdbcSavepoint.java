package dev.pgreen.jdbc;

import java.sql.SQLException;
import java.sql.Savepoint;

/** A savepoint: named by the caller, or numbered by the driver ({@code pgreen_savepoint_N}). */
record JdbcSavepoint(int id, String name) implements Savepoint {
    static JdbcSavepoint of(Savepoint sp) throws SQLException {
        if (sp instanceof JdbcSavepoint p) {
            return p;
        }
        throw new SQLException("not a savepoint of this driver: " + sp, "3B001");
    }

    /** The savepoint's name as SQL writes it, quoted. */
    String identifier() {
        String n = name != null ? name : "pgreen_savepoint_" + id;
        return '"' + n.replace("\"", "\"\"") + '"';
    }

    @Override
    public int getSavepointId() throws SQLException {
        if (name != null) {
            throw new SQLException("a named savepoint has no id", "3B001");
        }
        return id;
    }

    @Override
    public String getSavepointName() throws SQLException {
        if (name == null) {
            throw new SQLException("an unnamed savepoint has no name", "3B001");
        }
        return name;
    }
}
