package dev.pgreen.jdbc;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.*;

/** The JDBC SQL scanner: placeholders, escapes, and what it must leave alone. */
class JdbcSqlTest {
    private static String translate(String sql) throws SQLException {
        return JdbcSql.parse(sql, true, true).sql();
    }

    @Test
    void placeholdersAreNumberedOutsideQuotesCommentsAndDollarQuotes() throws SQLException {
        assertEquals("SELECT $1, $2 FROM t WHERE a = $3", translate("SELECT ?, ? FROM t WHERE a = ?"));
        assertEquals("SELECT '?', \"?\", $1 -- ?\n, E'\\'?', $$ ? $$, $x$ ?$ $x$, $2 /* ? /* ? */ ? */",
                translate("SELECT '?', \"?\", ? -- ?\n, E'\\'?', $$ ? $$, $x$ ?$ $x$, ? /* ? /* ? */ ? */"));
        assertEquals("SELECT 'it''s ?', $1", translate("SELECT 'it''s ?', ?"));
        assertEquals("SELECT data ? 'k', $1", translate("SELECT data ?? 'k', ?"));
        assertEquals("SELECT a$b, $1", translate("SELECT a$b, ?"));
        assertEquals(2, JdbcSql.parse("SELECT ?, ?", true, true).parameterCount());
    }

    @Test
    void statementsAndFirstWordsAreCounted() throws SQLException {
        JdbcSql.Parsed p = JdbcSql.parse("  /* c */ select 1; ; insert into t values (';'); ", false, true);
        assertEquals(2, p.statementCount());
        assertEquals("select", p.firstWord());
        assertTrue(JdbcSql.parse("WITH x AS (SELECT 1) SELECT * FROM x", true, true).isCursorable());
        assertFalse(JdbcSql.parse("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x", true, true).isCursorable());
        assertTrue(JdbcSql.parse("INSERT INTO t VALUES (?)", true, true).acceptsReturning());
        assertFalse(JdbcSql.parse("INSERT INTO t VALUES (?) RETURNING id", true, true).acceptsReturning());
    }

    @Test
    void jdbcEscapesAreTranslated() throws SQLException {
        assertEquals("SELECT upper(lower('x')), CURRENT_DATE, DATE '2024-01-02', TIMESTAMP '2024-01-02 03:04:05'",
                translate("SELECT {fn ucase({fn lcase('x')})}, {fn curdate()}, {d '2024-01-02'}, {ts '2024-01-02 03:04:05'}"));
        assertEquals("SELECT * FROM a LEFT JOIN b ON a.x = b.x", translate("SELECT * FROM {oj a LEFT JOIN b ON a.x = b.x}"));
        assertEquals("SELECT * FROM f($1) AS result", translate("{call f(?)}"));
        assertEquals("SELECT '{fn x}', $1", translate("SELECT '{fn x}', ?"));
        assertEquals("SELECT {fn x}", JdbcSql.parse("SELECT {fn x}", true, false).sql());
        assertEquals("WHERE a LIKE 'x!_' ESCAPE '!'", translate("WHERE a LIKE 'x!_' {escape '!'}"));
    }
}
