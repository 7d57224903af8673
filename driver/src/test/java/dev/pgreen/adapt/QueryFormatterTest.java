package dev.pgreen.adapt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgreen.errors.DataException;
import dev.pgreen.errors.ProgrammingException;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class QueryFormatterTest {

    private static Object[] args(Object... a) {
        return a;
    }

    /** A map allowing null values, from alternating keys and values. */
    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    // ---- positional ----

    static Stream<Arguments> positional() {
        return Stream.of(
                Arguments.of("SELECT %s", args(1), "SELECT 1"),
                Arguments.of("SELECT %s, %s, %s", args("a", null, true), "SELECT 'a', NULL, true"),
                Arguments.of("%s", args("x"), "'x'"),
                Arguments.of("%s%s", args(1, 2), "12"),
                Arguments.of("SELECT 1", args(), "SELECT 1"),
                Arguments.of("", args(), ""),
                Arguments.of("SELECT 100%%", args(), "SELECT 100%"),
                Arguments.of("SELECT %s, 100%%", args(5), "SELECT 5, 100%"),
                Arguments.of("%%%s%%", args(5), "%5%"),
                Arguments.of("%%s", args(), "%s"),
                Arguments.of("%%%%", args(), "%%"),
                Arguments.of("SELECT %s LIKE 'a%%'", args("b"), "SELECT 'b' LIKE 'a%'"),
                Arguments.of("SELECT %s - %s", args(1, -1), "SELECT 1 -  -1"),
                Arguments.of("SELECT %s - %s", args(1.5, -2.5), "SELECT 1.5 -  -2.5"),
                Arguments.of("SELECT %s", args(Long.MIN_VALUE), "SELECT  -9223372036854775808"),
                Arguments.of("SELECT %s", args(new BigDecimal("-0.5")), "SELECT  -0.5"),
                Arguments.of("SELECT %s", args(Double.NaN), "SELECT 'NaN'::float8"),
                Arguments.of("SELECT %s", args((Object) new byte[] {1, 2, (byte) 0xff}),
                        "SELECT E'\\\\x0102ff'::bytea"),
                Arguments.of("SELECT %s", args('c'), "SELECT 'c'"),
                Arguments.of("SELECT '\u00e9', %s", args("\u2603"), "SELECT '\u00e9', '\u2603'"),
                // an argument's text is never re-scanned for placeholders
                Arguments.of("SELECT %s, %s", args("%s", 1), "SELECT '%s', 1"),
                Arguments.of("SELECT %s", args("%(a)s %% %d"), "SELECT '%(a)s %% %d'"),
                Arguments.of("SELECT %s", args("'%s'"), "SELECT '''%s'''"));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {2}")
    @MethodSource("positional")
    void formatsPositionalArguments(String sql, Object[] args, String expected) {
        assertEquals(expected, QueryFormatter.format(sql, args, null));
    }

    static Stream<Arguments> positionalErrors() {
        return Stream.of(
                // too few
                Arguments.of("SELECT %s, %s", args(1), null),
                Arguments.of("SELECT %s", args(), null),
                // too many
                Arguments.of("SELECT %s", args(1, 2), null),
                Arguments.of("SELECT 1", args(1), null),
                Arguments.of("SELECT 100%%", args(1), null),
                // unsupported conversions, named in the message
                Arguments.of("SELECT %d", args(1), "%d"),
                Arguments.of("SELECT %f", args(1.5), "%f"),
                Arguments.of("SELECT %x", args(1), "%x"),
                Arguments.of("SELECT %S", args(1), "%S"),
                Arguments.of("SELECT % s", args(1), "% "),
                Arguments.of("SELECT %r", args(1), "%r"),
                // a trailing lone %
                Arguments.of("SELECT 5 %", args(), "%"),
                Arguments.of("SELECT %s %", args(1), "%"),
                Arguments.of("%", args(), "%"),
                // mixing styles: %(name)s with positional arguments
                Arguments.of("SELECT %(a)s", args(1), null),
                Arguments.of("SELECT %s, %(a)s", args(1, 2), null));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("positionalErrors")
    void rejectsBadPositionalQueries(String sql, Object[] args, String named) {
        var e = assertThrows(ProgrammingException.class, () -> QueryFormatter.format(sql, args, null));
        if (named != null) {
            assertTrue(e.getMessage().contains("'" + named), e.getMessage());
        }
        assertEquals(null, e.sqlState(), "a client-side error");
    }

    // ---- %(name)s ----

    static Stream<Arguments> named() {
        return Stream.of(
                Arguments.of("SELECT %(a)s", map("a", 1), "SELECT 1"),
                Arguments.of("SELECT %(a)s + %(b)s = %(a)s", map("a", 1, "b", 2), "SELECT 1 + 2 = 1"),
                Arguments.of("SELECT %(a)s, %(a)s, %(a)s", map("a", "x"), "SELECT 'x', 'x', 'x'"),
                Arguments.of("SELECT %(n)s", map("n", null), "SELECT NULL"),
                Arguments.of("SELECT %(a)s", map("a", 1, "unused", 2), "SELECT 1"),
                Arguments.of("SELECT 1", map(), "SELECT 1"),
                Arguments.of("SELECT 100%%", map(), "SELECT 100%"),
                Arguments.of("SELECT %(pct)s%%", map("pct", 5), "SELECT 5%"),
                Arguments.of("%(x)s%(y)s", map("x", 1, "y", -1), "1 -1"),
                Arguments.of("SELECT %(with space)s", map("with space", true), "SELECT true"),
                Arguments.of("SELECT %(\u00e9)s", map("\u00e9", "\u00e9"), "SELECT '\u00e9'"),
                Arguments.of("SELECT %()s", map("", 7), "SELECT 7"),
                Arguments.of("SELECT %(a)s", map("a", "%(b)s"), "SELECT '%(b)s'"),
                Arguments.of("SELECT %(a)s", map("a", "%s"), "SELECT '%s'"));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {2}")
    @MethodSource("named")
    void formatsNamedArguments(String sql, Map<String, ?> args, String expected) {
        assertEquals(expected, QueryFormatter.format(sql, args, null));
    }

    static Stream<Arguments> namedErrors() {
        return Stream.of(
                // a missing key, named in the message
                Arguments.of("SELECT %(missing)s", map("a", 1), "missing"),
                Arguments.of("SELECT %(a)s, %(b)s", map("a", 1), "b"),
                Arguments.of("SELECT %(A)s", map("a", 1), "A"),
                // unterminated
                Arguments.of("SELECT %(", map(), null),
                Arguments.of("SELECT %(a", map("a", 1), null),
                Arguments.of("SELECT %(a s", map("a", 1), null),
                // not followed by s
                Arguments.of("SELECT %(a)d", map("a", 1), null),
                Arguments.of("SELECT %(a)", map("a", 1), null),
                // unsupported conversions and a trailing lone %
                Arguments.of("SELECT %d", map(), "%d"),
                Arguments.of("SELECT 5 %", map(), "%"),
                // mixing styles: %s with a Map
                Arguments.of("SELECT %s", map("a", 1), null),
                Arguments.of("SELECT %(a)s, %s", map("a", 1), null));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("namedErrors")
    void rejectsBadNamedQueries(String sql, Map<String, ?> args, String named) {
        var e = assertThrows(ProgrammingException.class, () -> QueryFormatter.format(sql, args, null));
        if (named != null) {
            assertTrue(e.getMessage().contains(named), e.getMessage());
        }
    }

    @Test
    void missingKeyMessageNamesThePlaceholder() {
        var e = assertThrows(ProgrammingException.class,
                () -> QueryFormatter.format("SELECT %(user_id)s", Map.of("userid", 1), null));
        assertTrue(e.getMessage().contains("user_id"), e.getMessage());
    }

    @Test
    void nullValueInAHashMapIsNull() {
        Map<String, Object> m = new HashMap<>();
        m.put("v", null);
        assertEquals("SELECT NULL", QueryFormatter.format("SELECT %(v)s", m, null));
    }

    // ---- injection attempts come out as one safely quoted literal ----

    static Stream<Arguments> injections() {
        return Stream.of(
                Arguments.of("'; DROP TABLE x; --", "'''; DROP TABLE x; --'"),
                Arguments.of("x'); DROP TABLE students; --", "'x''); DROP TABLE students; --'"),
                Arguments.of("' OR '1'='1", "''' OR ''1''=''1'"),
                // without a connection a backslash makes an E'' string, safe under both standard_conforming_strings
                Arguments.of("\\'; DROP TABLE x; --", "E'\\\\''; DROP TABLE x; --'"),
                Arguments.of("\\\\'", "E'\\\\\\\\'''"),
                Arguments.of("\\", "E'\\\\'"),
                Arguments.of("$$", "'$$'"),
                Arguments.of("$$; DROP TABLE x; $$", "'$$; DROP TABLE x; $$'"),
                Arguments.of("$tag$'$tag$", "'$tag$''$tag$'"),
                Arguments.of("1; DELETE FROM t", "'1; DELETE FROM t'"),
                Arguments.of("*/ DROP TABLE x; /*", "'*/ DROP TABLE x; /*'"),
                Arguments.of("\u02bc; DROP TABLE x; --", "'\u02bc; DROP TABLE x; --'"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("injections")
    void injectionAttemptsBecomeOneQuotedLiteral(String evil, String literal) {
        assertEquals("SELECT * FROM t WHERE name = " + literal,
                QueryFormatter.format("SELECT * FROM t WHERE name = %s", args(evil), null));
        assertEquals("SELECT * FROM t WHERE name = " + literal,
                QueryFormatter.format("SELECT * FROM t WHERE name = %(n)s", map("n", evil), null));
        assertEquals(literal, QueryFormatter.quote(evil, null));
    }

    @Test
    void injectionWithStandardConformingStringsOffUsesAnEscapeString() {
        assertEquals("E'\\\\''; DROP TABLE x; --'", QuotedString.quote("\\'; DROP TABLE x; --", false));
        assertEquals("'''; DROP TABLE x; --'", QuotedString.quote("'; DROP TABLE x; --", false));
    }

    @Test
    void nulInAnArgumentRaisesDataException() {
        assertThrows(DataException.class, () -> QueryFormatter.format("SELECT %s", args("a\0b"), null));
        assertThrows(DataException.class, () -> QueryFormatter.format("SELECT %(a)s", map("a", "\0"), null));
    }

    @Test
    void unadaptableArgumentRaisesProgrammingException() {
        var e = assertThrows(ProgrammingException.class,
                () -> QueryFormatter.format("SELECT %s", args(new Object()), null));
        assertTrue(e.getMessage().startsWith("can't adapt type '"), e.getMessage());
    }

    @Test
    void argumentsAreUsedInOrderExactlyOnce() {
        List<Object> values = Arrays.asList(3, "b", null);
        assertEquals("VALUES (3, 'b', NULL)", QueryFormatter.format("VALUES (%s, %s, %s)", values.toArray(), null));
    }

    @Test
    void jdbcOrServerPlaceholdersGetAHint() {
        for (String sql : new String[] {"SELECT * FROM t WHERE id = ?", "SELECT * FROM t WHERE id = $1"}) {
            ProgrammingException e = assertThrows(ProgrammingException.class,
                    () -> QueryFormatter.format(sql, new Object[] {1}, null));
            assertTrue(e.getMessage().contains("%s"), e.getMessage());
        }
        ProgrammingException plain = assertThrows(ProgrammingException.class,
                () -> QueryFormatter.format("SELECT 1", new Object[] {1}, null));
        assertTrue(!plain.getMessage().contains("?"), "no hint without such placeholders: " + plain.getMessage());
    }
}
