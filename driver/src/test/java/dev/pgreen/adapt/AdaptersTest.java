package dev.pgreen.adapt;

import static dev.pgreen.Extensions.adapt;
import static dev.pgreen.Extensions.quoted;
import static dev.pgreen.Extensions.registerAdapter;
import static dev.pgreen.Extensions.unregisterAdapter;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgreen.Conform;
import dev.pgreen.Connection;
import dev.pgreen.SqlQuote;
import dev.pgreen.errors.DataException;
import dev.pgreen.errors.ProgrammingException;

import java.lang.reflect.Constructor;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class AdaptersTest {

    // ---- built-in adapters ----

    static Stream<Arguments> builtinLiterals() {
        return Stream.of(
                Arguments.of(null, "NULL"),
                Arguments.of(true, "true"),
                Arguments.of(false, "false"),
                Arguments.of(Boolean.TRUE, "true"),
                // integers: a negative number gets a leading space so "- %s" cannot become a "--" comment
                Arguments.of(0, "0"),
                Arguments.of(42, "42"),
                Arguments.of(-1, " -1"),
                Arguments.of(Integer.MAX_VALUE, "2147483647"),
                Arguments.of(Integer.MIN_VALUE, " -2147483648"),
                Arguments.of(0L, "0"),
                Arguments.of(Long.MAX_VALUE, "9223372036854775807"),
                Arguments.of(Long.MIN_VALUE, " -9223372036854775808"),
                Arguments.of((short) 7, "7"),
                Arguments.of((short) -5, " -5"),
                Arguments.of(Short.MIN_VALUE, " -32768"),
                Arguments.of((byte) 127, "127"),
                Arguments.of((byte) -128, " -128"),
                Arguments.of(BigInteger.ZERO, "0"),
                Arguments.of(new BigInteger("123456789012345678901234567890"), "123456789012345678901234567890"),
                Arguments.of(new BigInteger("-123456789012345678901234567890"), " -123456789012345678901234567890"),
                Arguments.of(new BigDecimal("3.14"), "3.14"),
                Arguments.of(new BigDecimal("-0.001"), " -0.001"),
                Arguments.of(new BigDecimal("0.00"), "0.00"),
                Arguments.of(new BigDecimal("12345678901234567890.123456789"), "12345678901234567890.123456789"),
                Arguments.of(new BigDecimal("-99999999999999999999.5"), " -99999999999999999999.5"),
                // floating point: specials are quoted and cast
                Arguments.of(1.5, "1.5"),
                Arguments.of(1.23, "1.23"),
                Arguments.of(-2.25, " -2.25"),
                Arguments.of(0.0, "0.0"),
                Arguments.of(-0.0, "'-0'::float8"),
                Arguments.of(Double.NaN, "'NaN'::float8"),
                Arguments.of(Double.POSITIVE_INFINITY, "'Infinity'::float8"),
                Arguments.of(Double.NEGATIVE_INFINITY, "'-Infinity'::float8"),
                Arguments.of(Double.MAX_VALUE, "1.7976931348623157E308"),
                Arguments.of(-Double.MAX_VALUE, " -1.7976931348623157E308"),
                Arguments.of(Double.MIN_VALUE, "4.9E-324"),
                Arguments.of(1.5f, "1.5"),
                Arguments.of(-0.25f, " -0.25"),
                Arguments.of(-0.0f, "'-0'::float8"),
                Arguments.of(Float.NaN, "'NaN'::float8"),
                Arguments.of(Float.POSITIVE_INFINITY, "'Infinity'::float8"),
                Arguments.of(Float.NEGATIVE_INFINITY, "'-Infinity'::float8"),
                // strings without a connection: quotes doubled; a backslash makes an E'' string with the backslash
                // doubled, which reads the same whatever standard_conforming_strings is
                Arguments.of("hello", "'hello'"),
                Arguments.of("", "''"),
                Arguments.of("O'Reilly", "'O''Reilly'"),
                Arguments.of("'", "''''"),
                Arguments.of("''", "''''''"),
                Arguments.of("a\\b", "E'a\\\\b'"),
                Arguments.of("\\", "E'\\\\'"),
                Arguments.of("\\'", "E'\\\\'''"),
                Arguments.of("line1\nline2\ttab", "'line1\nline2\ttab'"),
                Arguments.of("h\u00e9llo w\u00f6rld \u2603 \ud83d\ude00", "'h\u00e9llo w\u00f6rld \u2603 \ud83d\ude00'"),
                Arguments.of("\u65e5\u672c\u8a9e", "'\u65e5\u672c\u8a9e'"),
                Arguments.of("$$", "'$$'"),
                Arguments.of("%s", "'%s'"),
                // char
                Arguments.of('x', "'x'"),
                Arguments.of('\'', "''''"),
                Arguments.of('\\', "E'\\\\'"),
                Arguments.of('\u00e9', "'\u00e9'"),
                // bytea, hex format, its backslash in an E'' string as for any string without a connection
                Arguments.of(new byte[] {1, 2, (byte) 0xff}, "E'\\\\x0102ff'::bytea"),
                Arguments.of(new byte[0], "E'\\\\x'::bytea"),
                Arguments.of(new byte[] {0, 0x7f, (byte) 0x80, (byte) 0xab}, "E'\\\\x007f80ab'::bytea"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("builtinLiterals")
    void adaptsBuiltinTypes(Object value, String expected) {
        SqlQuote q = adapt(value);
        assertEquals(expected, quoted(q));
        assertArrayEquals(expected.getBytes(StandardCharsets.UTF_8), q.getQuoted(), "UTF-8 bytes");
        assertEquals(expected, quoted(Adapters.adapt(value)), "Adapters.adapt agrees with Extensions.adapt");
    }

    @Test
    void nullAdaptsToNull() {
        SqlQuote q = adapt(null);
        assertEquals("NULL", quoted(q));
        assertEquals("NULL", quoted(new AsIs(null)));
    }

    @Test
    void unicodeIsEncodedAsUtf8() {
        byte[] bytes = adapt("\u00e9\ud83d\ude00").getQuoted();
        assertArrayEquals(new byte[] {'\'', (byte) 0xc3, (byte) 0xa9, (byte) 0xf0, (byte) 0x9f, (byte) 0x98,
                (byte) 0x80, '\''}, bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\0", "a\0b", "abc\0", "\0'\\"})
    void stringWithNulRaisesDataException(String s) {
        assertThrows(DataException.class, () -> quoted(adapt(s)));
        assertThrows(DataException.class, () -> QuotedString.quote(s, true));
        assertThrows(DataException.class, () -> QuotedString.quote(s, false));
    }

    @Test
    void nulCharRaisesDataException() {
        assertThrows(DataException.class, () -> quoted(adapt('\0')));
    }

    // ---- QuotedString.quote and standard_conforming_strings ----

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            // input           | scs on            | scs off
            "abc               | 'abc'             | 'abc'",
            "it's              | 'it''s'           | 'it''s'",
            "a\\b              | 'a\\b'            | E'a\\\\b'",
            "\\                | '\\'              | E'\\\\'",
            "\\'               | '\\'''            | E'\\\\'''",
            "\\\\x00           | '\\\\x00'         | E'\\\\\\\\x00'",
            "a''b              | 'a''''b'          | 'a''''b'",
            "'; DROP TABLE x; --  | '''; DROP TABLE x; --' | '''; DROP TABLE x; --'"})
    void quoteForBothStandardConformingStringsSettings(String input, String scsOn, String scsOff) {
        assertEquals(scsOn, QuotedString.quote(input, true));
        assertEquals(scsOff, QuotedString.quote(input, false));
        assertEquals(scsOff, quoted(new QuotedString(input)), "no prepare: the form that reads the same under both");
        var on = new QuotedString(input);
        on.prepare(fakeConnection("on"));
        assertEquals(scsOn, quoted(on), "prepared for a session with standard_conforming_strings on");
    }

    @Test
    void quotedStringFollowsTheConnectionsStandardConformingStrings() {
        var off = new QuotedString("a\\b'c");
        off.prepare(fakeConnection("off"));
        assertEquals("E'a\\\\b''c'", quoted(off));

        var on = new QuotedString("a\\b'c");
        on.prepare(fakeConnection("on"));
        assertEquals("'a\\b''c'", quoted(on));

        var unknown = new QuotedString("a\\b");
        unknown.prepare(fakeConnection(null));
        assertEquals("E'a\\\\b'", quoted(unknown), "a server that does not report it: safe under both settings");

        var plain = new QuotedString("plain");
        plain.prepare(fakeConnection("off"));
        assertEquals("'plain'", quoted(plain), "no backslash, no E prefix");
        assertEquals("plain", plain.getWrapped());
    }

    @Test
    void binaryWithoutAConnectionReadsTheSameUnderBothSettings() {
        byte[] data = {1, 2, (byte) 0xff};
        var b = new Binary(data);
        assertEquals("E'\\\\x0102ff'::bytea", quoted(b));
        b.prepare(fakeConnection(null));
        assertEquals("E'\\\\x0102ff'::bytea", quoted(b), "a server that does not report it");
        assertSame(data, b.getWrapped());
    }

    @Test
    void binaryWithStandardConformingStringsOffDoublesTheBackslash() {
        var b = new Binary(new byte[] {1, 2, (byte) 0xff});
        b.prepare(fakeConnection("off"));
        assertEquals("E'\\\\x0102ff'::bytea", quoted(b));

        var on = new Binary(new byte[] {1, 2, (byte) 0xff});
        on.prepare(fakeConnection("on"));
        assertEquals("'\\x0102ff'::bytea", quoted(on));
    }

    @Test
    void adaptedBytesGoThroughBinary() {
        SqlQuote q = adapt(new byte[] {(byte) 0xde, (byte) 0xad});
        assertTrue(q instanceof Binary, q.getClass().getName());
        q.prepare(fakeConnection("off"));
        assertEquals("E'\\\\xdead'::bytea", quoted(q));
    }

    @Test
    void adaptedStringsGoThroughQuotedString() {
        SqlQuote q = adapt("x\\y");
        assertTrue(q instanceof QuotedString, q.getClass().getName());
        q.prepare(fakeConnection("off"));
        assertEquals("E'x\\\\y'", quoted(q));
    }

    // ---- without a connection: one literal that reads the same under both standard_conforming_strings ----

    static Stream<String> injectionPayloads() {
        return Stream.of("\\')::text; DROP TABLE t; --", "\\'); DROP TABLE t; --", "'; DROP TABLE t; --", "\\",
                "abc\\", "\\\\'", "''\\''", "a\\b", "\\x41\\101\\u0041\\n\\t", "C:\\temp\\new",
                "caf\u00e9 \u2603 \ud83d\ude00\\", "\u00e9\\'\u00e9", "$$\\$$", "plain", "");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("injectionPayloads")
    void withoutAConnectionAStringReadsTheSameUnderBothSettings(String payload) {
        assertReadsAsUnderBothSettings(quoted(adapt(payload)), "", payload);
        assertReadsAsUnderBothSettings(quoted(new Json(payload)), "::json", payload);
        assertReadsAsUnderBothSettings(quoted(adapt(new Inet(payload))), "::inet", payload);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("injectionPayloads")
    void withoutAConnectionByteaReadsTheSameUnderBothSettings(String payload) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        String hex = "\\x" + java.util.HexFormat.of().formatHex(bytes);
        assertReadsAsUnderBothSettings(quoted(adapt(bytes)), "::bytea", hex);
    }

    /** {@code sql} is one string constant, then {@code suffix}, and the constant's value is {@code expected}. */
    private static void assertReadsAsUnderBothSettings(String sql, String suffix, String expected) {
        assertTrue(sql.endsWith(suffix), sql);
        for (boolean scs : new boolean[] {true, false}) {
            String setting = "standard_conforming_strings " + (scs ? "on" : "off") + ": " + sql;
            var literal = SqlLiteralReader.read(sql, scs);
            assertEquals(expected, literal.value(), setting);
            assertEquals(sql.length() - suffix.length(), literal.end(), setting);
        }
    }

    // ---- unknown types ----

    static final class Unadaptable {}

    @Test
    void unknownTypeRaisesProgrammingExceptionNamingTheClass() {
        var e = assertThrows(ProgrammingException.class, () -> adapt(new Unadaptable()));
        assertTrue(e.getMessage().startsWith("can't adapt type '"), e.getMessage());
        assertTrue(e.getMessage().contains("Unadaptable"), e.getMessage());
        assertTrue(e.getMessage().endsWith("'"), e.getMessage());
        assertEquals(null, e.sqlState());

        var o = assertThrows(ProgrammingException.class, () -> adapt(new Object()));
        assertTrue(o.getMessage().contains("Object"), o.getMessage());
    }

    // ---- lookup order ----

    interface Root {}

    interface Left extends Root {}

    interface Right {}

    static class Grand {}

    static class Parent extends Grand {}

    static class Child extends Parent implements Left, Right {}

    static class Plain implements Left, Right {}

    interface BaseIface {}

    static class Base implements BaseIface {}

    static class Derived extends Base {}

    /** An object that adapts itself and is also an SqlQuote under a registered class. */
    static final class SelfQuoting implements SqlQuote {
        @Override
        public byte[] getQuoted() {
            return "self".getBytes(StandardCharsets.UTF_8);
        }
    }

    static final class Conforming implements Conform {
        final List<Class<?>> asked = new ArrayList<>();

        @Override
        public Object conform(Class<?> protocol) {
            asked.add(protocol);
            return protocol == SqlQuote.class ? new AsIs("'conformed'") : null;
        }
    }

    static final class NotConforming implements Conform {
        @Override
        public Object conform(Class<?> protocol) {
            return null;
        }
    }

    private static SqlQuote as(String s) {
        return new AsIs(s);
    }

    @Test
    void sqlQuoteAdaptsToItself() {
        var self = new SelfQuoting();
        registerAdapter(SelfQuoting.class, x -> as("registered"));
        try {
            assertSame(self, adapt(self));
            assertEquals("self", quoted(adapt(self)));
        } finally {
            unregisterAdapter(SelfQuoting.class);
        }
        var asIs = new AsIs("1");
        assertSame(asIs, adapt(asIs));
        var qs = new QuotedString("x");
        assertSame(qs, adapt(qs));
        var bin = new Binary(new byte[] {1});
        assertSame(bin, adapt(bin));
    }

    @Test
    void conformReturningAnSqlQuoteIsUsedBeforeARegisteredAdapter() {
        var c = new Conforming();
        assertEquals("'conformed'", quoted(adapt(c)));
        assertEquals(List.of(SqlQuote.class), c.asked);
        registerAdapter(Conforming.class, x -> as("registered"));
        try {
            assertEquals("'conformed'", quoted(adapt(new Conforming())));
        } finally {
            unregisterAdapter(Conforming.class);
        }
    }

    @Test
    void conformReturningNullFallsBackToTheRegistry() {
        assertThrows(ProgrammingException.class, () -> adapt(new NotConforming()));
        registerAdapter(NotConforming.class, x -> as("registered"));
        try {
            assertEquals("registered", quoted(adapt(new NotConforming())));
        } finally {
            unregisterAdapter(NotConforming.class);
        }
    }

    @Test
    void exactClassBeatsSuperclass() {
        registerAdapter(Parent.class, x -> as("parent"));
        registerAdapter(Child.class, x -> as("child"));
        try {
            assertEquals("child", quoted(adapt(new Child())));
            assertEquals("parent", quoted(adapt(new Parent())));
        } finally {
            unregisterAdapter(Child.class);
            unregisterAdapter(Parent.class);
        }
    }

    @Test
    void superclassesNearestFirst() {
        registerAdapter(Grand.class, x -> as("grand"));
        registerAdapter(Parent.class, x -> as("parent"));
        try {
            assertEquals("parent", quoted(adapt(new Child())));
            unregisterAdapter(Parent.class);
            assertEquals("grand", quoted(adapt(new Child())));
            assertEquals("grand", quoted(adapt(new Parent())));
        } finally {
            unregisterAdapter(Parent.class);
            unregisterAdapter(Grand.class);
        }
        assertThrows(ProgrammingException.class, () -> adapt(new Child()));
    }

    @Test
    void superclassBeatsInterface() {
        registerAdapter(Left.class, x -> as("left"));
        registerAdapter(Grand.class, x -> as("grand"));
        try {
            assertEquals("grand", quoted(adapt(new Child())));
        } finally {
            unregisterAdapter(Grand.class);
            unregisterAdapter(Left.class);
        }
    }

    @Test
    void interfacesBreadthFirst() {
        // Plain implements Left (extends Root) and Right: Right (depth 1) before Root (depth 2).
        registerAdapter(Root.class, x -> as("root"));
        registerAdapter(Right.class, x -> as("right"));
        try {
            assertEquals("right", quoted(adapt(new Plain())));
            assertEquals("right", quoted(adapt(new Child())));
            registerAdapter(Left.class, x -> as("left"));
            try {
                // same depth: declaration order
                assertEquals("left", quoted(adapt(new Plain())));
            } finally {
                unregisterAdapter(Left.class);
            }
            unregisterAdapter(Right.class);
            assertEquals("root", quoted(adapt(new Plain())));
        } finally {
            unregisterAdapter(Right.class);
            unregisterAdapter(Root.class);
        }
        assertThrows(ProgrammingException.class, () -> adapt(new Plain()));
    }

    @Test
    void interfaceOfASuperclassIsFound() {
        registerAdapter(BaseIface.class, x -> as("base-iface"));
        try {
            assertEquals("base-iface", quoted(adapt(new Derived())));
        } finally {
            unregisterAdapter(BaseIface.class);
        }
    }

    @Test
    void adapterReceivesTheObject() {
        registerAdapter(Parent.class, p -> as("'" + p.getClass().getSimpleName() + "'"));
        try {
            assertEquals("'Child'", quoted(adapt(new Child())));
        } finally {
            unregisterAdapter(Parent.class);
        }
    }

    @Test
    void unregisterRemovesTheRegistration() {
        registerAdapter(Unadaptable.class, x -> as("u"));
        try {
            assertEquals("u", quoted(adapt(new Unadaptable())));
        } finally {
            unregisterAdapter(Unadaptable.class);
        }
        assertThrows(ProgrammingException.class, () -> adapt(new Unadaptable()));
        unregisterAdapter(Unadaptable.class); // removing twice is harmless
    }

    // ---- the seed example of API.md section 4 ----

    record Point(double x, double y) {}

    @Test
    void registerAdapterForARecord() {
        registerAdapter(Point.class,
                p -> new AsIs("'(" + quoted(adapt(p.x())) + ", " + quoted(adapt(p.y())) + ")'"));
        try {
            assertEquals("'(1.23, 4.56)'", quoted(adapt(new Point(1.23, 4.56))));
            assertEquals("INSERT INTO atable (apoint) VALUES ('(1.23, 4.56)')",
                    QueryFormatter.format("INSERT INTO atable (apoint) VALUES (%s)",
                            new Object[] {new Point(1.23, 4.56)}, null));
        } finally {
            unregisterAdapter(Point.class);
        }
        assertThrows(ProgrammingException.class, () -> adapt(new Point(1, 2)));
    }

    // ---- a Connection that only answers parameterStatus ----

    /**
     * A Connection whose constructor never runs (no server): only {@link #parameterStatus} is
     * used by {@code prepare}. Instantiated through the JDK's serialization constructor.
     */
    static final class FakeConnection extends Connection {
        String standardConformingStrings;

        private FakeConnection() {
            super(null); // never called
        }

        @Override
        public String parameterStatus(String name) {
            return "standard_conforming_strings".equals(name) ? standardConformingStrings : null;
        }
    }

    private static Connection fakeConnection(String standardConformingStrings) {
        try {
            Class<?> rf = Class.forName("sun.reflect.ReflectionFactory");
            Object factory = rf.getMethod("getReflectionFactory").invoke(null);
            Constructor<?> ctor = (Constructor<?>) rf
                    .getMethod("newConstructorForSerialization", Class.class, Constructor.class)
                    .invoke(factory, FakeConnection.class, Object.class.getDeclaredConstructor());
            FakeConnection conn = (FakeConnection) ctor.newInstance();
            conn.standardConformingStrings = standardConformingStrings;
            return conn;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot build a fake connection", e);
        }
    }
}
