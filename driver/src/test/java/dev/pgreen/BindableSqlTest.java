package dev.pgreen;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Which executeMany statements can be bound on the server, and how they are rewritten: no database. */
class BindableSqlTest {

    @Test
    void placeholdersWhereValuesStandBecomeParameters() {
        String[][] cases = {
            {"INSERT INTO t VALUES (%s, %s, %s::timestamptz)", "INSERT INTO t VALUES ($1, $2, $3::timestamptz)"},
            {"insert into t values (%s) -- a %% comment", "insert into t values ($1) -- a % comment"},
            {"UPDATE t SET a = %s WHERE b = 'x%%' AND c=%s;", "UPDATE t SET a = $1 WHERE b = 'x%' AND c=$2;"},
            {"SELECT %s + -%s, 2*%s, %s||'a', E'\\'' /* %% /* nested */ */", "SELECT $1 + -$2, 2*$3, $4||'a', E'\\'' /* % /* nested */ */"},
            {"WITH x AS (SELECT %s) INSERT INTO t SELECT * FROM x LIMIT %s", "WITH x AS (SELECT $1) INSERT INTO t SELECT * FROM x LIMIT $2"},
            {"(SELECT $$ a %% $$, \"Col\" FROM t WHERE a IS DISTINCT FROM %s)", "(SELECT $$ a % $$, \"Col\" FROM t WHERE a IS DISTINCT FROM $1)"},
            {"DELETE FROM t WHERE a$b = %s", "DELETE FROM t WHERE a$b = $1"},
            {"VALUES (%s)", "VALUES ($1)"},
        };
        for (String[] c : cases) {
            BindableSql b = BindableSql.of(c[0]);
            assertNotNull(b, c[0]);
            assertEquals(c[1], b.statement(), c[0]);
            assertNull(b.names());
        }
    }

    @Test
    void eachNamedPlaceholderIsItsOwnParameter() {
        BindableSql b = BindableSql.of("INSERT INTO t VALUES (%(a)s, %(b)s, %(a)s)");
        assertEquals("INSERT INTO t VALUES ($1, $2, $3)", b.statement());
        assertEquals(List.of("a", "b", "a"), b.names());
        assertArrayEquals(new Object[] {1, "x", 1}, b.values(Map.of("a", 1, "b", "x", "c", 3)));
        assertNull(b.values(Map.of("a", 1)), "a missing key: formatted, so that it raises as before");
        assertNull(b.values(new Object[] {1, 2, 3}));
        BindableSql p = BindableSql.of("SELECT %s, %s");
        assertArrayEquals(new Object[] {1, 2}, p.values(List.of(1, 2)));
        assertNull(p.values(new Object[] {1}), "too few: formatted, so that it raises as before");
        assertNull(p.values(Map.of()));
    }

    @Test
    void aCastAfterAPlaceholderIsNoted() {
        BindableSql b = BindableSql.of("SELECT %s::text, %s, %s :: int, %s -- c");
        assertEquals("[true, false, true, true]", Arrays.toString(new boolean[] {b.castAfter().get(0),
                b.castAfter().get(1), b.castAfter().get(2), b.castAfter().get(3)}));
    }

    @Test
    void whereAParameterCouldMeanSomethingElseTheStatementIsFormatted() {
        for (String sql : List.of(
                "SELECT '%s'", "SELECT \"%s\"", "SELECT 1 -- %s", "SELECT /* %s */ 1", "SELECT $$%s$$",
                "SELECT E%s", "SELECT a%s", "SELECT %s1", "SELECT %s.f", "SELECT %s[1]", "SELECT %s 'x'",
                "SELECT 'a'%s", "SELECT %s%s", "SELECT U&%s", "SELECT x::%s",
                "SELECT a FROM t ORDER BY %s", "SELECT a FROM t GROUP BY a, %s", "SELECT DISTINCT ON (%s) a FROM t",
                "SELECT a FROM t ORDER BY a LIMIT %s",
                "SELECT %s INTO t2", "SELECT %s; SELECT 2", "SET x = %s", "CREATE TABLE t (a int DEFAULT %s)",
                "COPY t FROM STDIN", "SELECT $1, %s", "SELECT 'a\\' , %s", "SELECT %d", "SELECT %s, %(a)s",
                "SELECT 'unterminated %s", "SELECT %(a", "SELECT 1\u0000, %s")) {
            assertNull(BindableSql.of(sql), sql);
        }
    }
}
