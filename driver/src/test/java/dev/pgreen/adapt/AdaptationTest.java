package dev.pgreen.adapt;

import static dev.pgreen.Extensions.adapt;
import static dev.pgreen.Extensions.quoted;
import static dev.pgreen.Extensions.registerAdapter;
import static dev.pgreen.Extensions.unregisterAdapter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgreen.Conform;
import dev.pgreen.SqlQuote;
import dev.pgreen.errors.DataException;
import dev.pgreen.errors.ProgrammingException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The built-in adapters beyond strings and plain numbers, without a server (see TypeRoundTripTest for one). */
class AdaptationTest {

    private static String lit(Object o) {
        return quoted(adapt(o));
    }

    enum Colour { RED, GREEN }

    static Stream<Arguments> literals() {
        return Stream.of(
                // numbers
                Arguments.of(new BigDecimal("5"), "5::numeric"),
                Arguments.of(new BigDecimal("-5"), " -5::numeric"),
                Arguments.of(BigDecimal.ZERO, "0::numeric"),
                Arguments.of(new BigDecimal("1E+3"), "1E+3"),
                Arguments.of(new BigDecimal("1E-10"), "1E-10"),
                Arguments.of(new BigDecimal("1.10"), "1.10"),
                Arguments.of(new AtomicInteger(-7), " -7"),
                Arguments.of(new AtomicLong(Long.MAX_VALUE), "9223372036854775807"),
                Arguments.of(adder(12), "12"),
                Arguments.of(doubleAdder(1.5), "1.5"),
                Arguments.of(Colour.GREEN, "'GREEN'"),
                // uuid
                Arguments.of(UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
                        "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid"),
                // dates, BC and infinities
                Arguments.of(LocalDate.of(2024, 1, 2), "'2024-01-02'::date"),
                Arguments.of(LocalDate.of(1, 1, 1), "'0001-01-01'::date"),
                Arguments.of(LocalDate.of(0, 12, 31), "'0001-12-31 BC'::date"),
                Arguments.of(LocalDate.of(-43, 3, 15), "'0044-03-15 BC'::date"),
                Arguments.of(LocalDate.of(-4712, 1, 1), "'4713-01-01 BC'::date"),
                Arguments.of(LocalDate.of(12345, 6, 7), "'12345-06-07'::date"),
                Arguments.of(LocalDate.MAX, "'infinity'::date"),
                Arguments.of(LocalDate.MIN, "'-infinity'::date"),
                // times
                Arguments.of(LocalTime.of(4, 5, 6), "'04:05:06'::time"),
                Arguments.of(LocalTime.of(4, 5, 6, 500_000_000), "'04:05:06.5'::time"),
                Arguments.of(LocalTime.of(23, 59, 59, 999_999_000), "'23:59:59.999999'::time"),
                Arguments.of(LocalTime.of(0, 0, 0, 1), "'00:00:00.000000001'::time"),
                Arguments.of(OffsetTime.of(4, 5, 6, 0, ZoneOffset.ofHoursMinutes(5, 30)), "'04:05:06+05:30'::timetz"),
                Arguments.of(OffsetTime.of(4, 5, 6, 0, ZoneOffset.UTC), "'04:05:06+00:00'::timetz"),
                Arguments.of(OffsetTime.of(4, 5, 6, 0, ZoneOffset.ofHoursMinutesSeconds(-3, -30, -15)),
                        "'04:05:06-03:30:15'::timetz"),
                // timestamps
                Arguments.of(LocalDateTime.of(2024, 1, 2, 3, 4, 5), "'2024-01-02 03:04:05'::timestamp"),
                Arguments.of(LocalDateTime.of(-43, 3, 15, 12, 0, 0, 123_456_000),
                        "'0044-03-15 12:00:00.123456 BC'::timestamp"),
                Arguments.of(LocalDateTime.MAX, "'infinity'::timestamp"),
                Arguments.of(LocalDateTime.MIN, "'-infinity'::timestamp"),
                Arguments.of(OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(-8)),
                        "'2024-01-02 03:04:05-08:00'::timestamptz"),
                Arguments.of(OffsetDateTime.of(0, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC),
                        "'0001-01-01 00:00:00+00:00 BC'::timestamptz"),
                Arguments.of(OffsetDateTime.MAX, "'infinity'::timestamptz"),
                Arguments.of(OffsetDateTime.MIN, "'-infinity'::timestamptz"),
                Arguments.of(ZonedDateTime.of(2024, 7, 1, 12, 0, 0, 0, ZoneId.of("Europe/Paris")),
                        "'2024-07-01 12:00:00+02:00'::timestamptz"),
                Arguments.of(Instant.parse("2024-01-02T03:04:05.000006Z"), "'2024-01-02 03:04:05.000006+00:00'::timestamptz"),
                Arguments.of(Instant.MAX, "'infinity'::timestamptz"),
                Arguments.of(Instant.MIN, "'-infinity'::timestamptz"),
                // intervals
                Arguments.of(Duration.ofSeconds(90061, 5_000), "'90061.000005 seconds'::interval"),
                Arguments.of(Duration.ZERO, "'0 seconds'::interval"),
                Arguments.of(Duration.ofMillis(-500), "'-0.5 seconds'::interval"),
                Arguments.of(Duration.ofMillis(-1500), "'-1.5 seconds'::interval"),
                Arguments.of(Duration.ofSeconds(-3), "'-3 seconds'::interval"),
                Arguments.of(Period.of(1, 2, 3), "'1 years 2 mons 3 days'::interval"),
                Arguments.of(Period.of(-1, 0, -3), "'-1 years 0 mons -3 days'::interval"),
                // wrappers
                Arguments.of(new Json("{\"a\": \"it's\"}"), "'{\"a\": \"it''s\"}'::json"),
                Arguments.of(new Jsonb("[1, 2]"), "'[1, 2]'::jsonb"),
                Arguments.of(new Json(null), "NULL::json"),
                Arguments.of(new Inet("192.168.0.1/24"), "'192.168.0.1/24'::inet"),
                Arguments.of(new Cidr("10.0.0.0/8"), "'10.0.0.0/8'::cidr"),
                Arguments.of(Range.int4(1, 5), "int4range(1, 5, '[)')"),
                Arguments.of(Range.int8(null, 5L), "int8range(NULL, 5, '()')"),
                Arguments.of(new Range<>(-1, 5, false, true), "int4range( -1, 5, '(]')"),
                Arguments.of(Range.numeric(new BigDecimal("1.5"), null), "numrange(1.5, NULL, '[)')"),
                Arguments.of(Range.date(LocalDate.of(2024, 1, 1), LocalDate.of(2024, 2, 1)),
                        "daterange('2024-01-01'::date, '2024-02-01'::date, '[)')"),
                Arguments.of(Range.of(LocalDateTime.of(2024, 1, 1, 0, 0), null),
                        "tsrange('2024-01-01 00:00:00'::timestamp, NULL, '[)')"),
                Arguments.of(Range.empty("int4range"), "'empty'::int4range"),
                Arguments.of(new Range<>("public.floatrange", 1.5, 2.5, true, true), "public.floatrange(1.5, 2.5, '[]')"));
    }

    private static LongAdder adder(long v) {
        LongAdder a = new LongAdder();
        a.add(v);
        return a;
    }

    private static DoubleAdder doubleAdder(double v) {
        DoubleAdder a = new DoubleAdder();
        a.add(v);
        return a;
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("literals")
    void adaptsToTypedLiterals(Object value, String expected) {
        assertEquals(expected, lit(value));
    }

    // ---- arrays and lists ----

    static Stream<Arguments> arrays() {
        return Stream.of(
                Arguments.of(new int[] {1, 2, 3}, "ARRAY[1,2,3]"),
                Arguments.of(new int[] {-1, 2}, "ARRAY[ -1,2]"),
                Arguments.of(new long[] {Long.MIN_VALUE}, "ARRAY[ -9223372036854775808]"),
                Arguments.of(new short[] {7}, "ARRAY[7]"),
                Arguments.of(new boolean[] {true, false}, "ARRAY[true,false]"),
                Arguments.of(new double[] {1.5, Double.NaN}, "ARRAY[1.5,'NaN'::float8]"),
                Arguments.of(new float[] {0.25f}, "ARRAY[0.25]"),
                Arguments.of(new char[] {'a', '\''}, "ARRAY['a','''']"),
                Arguments.of(new Integer[] {1, 2, null}, "ARRAY[1,2,NULL]"),
                Arguments.of(new String[] {"a", "it's", "b\\c", null}, "ARRAY['a','it''s',E'b\\\\c',NULL]"),
                Arguments.of(new Object[] {1, "x"}, "ARRAY[1,'x']"),
                Arguments.of(List.of(1, 2), "ARRAY[1,2]"),
                Arguments.of(Arrays.asList(1, null), "ARRAY[1,NULL]"),
                Arguments.of(new LinkedList<>(List.of("x")), "ARRAY['x']"),
                Arguments.of(List.of(List.of(1, 2), List.of(3, 4)), "ARRAY[ARRAY[1,2],ARRAY[3,4]]"),
                Arguments.of(new int[][] {{1, 2}, {3, 4}}, "ARRAY[ARRAY[1,2],ARRAY[3,4]]"),
                Arguments.of(List.of(new int[] {1}, List.of(2)), "ARRAY[ARRAY[1],ARRAY[2]]"),
                Arguments.of(new byte[][] {{1, 2}, {}}, "ARRAY[E'\\\\x0102'::bytea,E'\\\\x'::bytea]"),
                Arguments.of(List.of(LocalDate.of(2024, 1, 2)), "ARRAY['2024-01-02'::date]"),
                Arguments.of(List.of(new Json("{}")), "ARRAY['{}'::json]"),
                // nothing to type the array by: a literal the context types, cast when the element type is known
                Arguments.of(List.of(), "'{}'"),
                Arguments.of(new Object[0], "'{}'"),
                Arguments.of(new int[0], "'{}'::int4[]"),
                Arguments.of(new String[0], "'{}'::text[]"),
                Arguments.of(new LocalDate[0], "'{}'::date[]"),
                Arguments.of(new byte[0][], "'{}'::bytea[]"),
                Arguments.of(new int[0][0], "'{}'::int4[]"),
                Arguments.of(Arrays.asList(null, null), "'{NULL,NULL}'"),
                Arguments.of(new Integer[] {null}, "'{NULL}'::int4[]"),
                Arguments.of(List.of(List.of(), List.of()), "'{}'"),
                Arguments.of(List.of(Arrays.asList((Object) null), Arrays.asList((Object) null)), "'{{NULL},{NULL}}'"),
                Arguments.of(new Integer[][] {{null}, {null}}, "'{{NULL},{NULL}}'::int4[]"),
                // a nested array of only NULLs beside typed ones: the cast lets the server type it
                Arguments.of(List.of(Arrays.asList((Object) null), List.of(1)), "ARRAY[ARRAY[NULL],ARRAY[1]]::int4[]"),
                Arguments.of(new String[][] {{null}, {"a"}}, "ARRAY[ARRAY[NULL],ARRAY['a']]::text[]"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("arrays")
    void adaptsArraysAndLists(Object value, String expected) {
        assertEquals(expected, lit(value));
    }

    @Test
    void arrayElementsFollowStandardConformingStrings() {
        SqlQuote q = adapt(List.of("a\\b", "c"));
        q.prepare(FakeSession.with("off"));
        assertEquals("ARRAY[E'a\\\\b','c']", quoted(q));

        SqlQuote on = adapt(List.of(List.of("a\\b"), List.of(new byte[] {1})));
        assertEquals("ARRAY[ARRAY[E'a\\\\b'],ARRAY[E'\\\\x01'::bytea]]", quoted(on), "no connection");
        on.prepare(FakeSession.with("on"));
        assertEquals("ARRAY[ARRAY['a\\b'],ARRAY['\\x01'::bytea]]", quoted(on), "the connection reaches nested elements");
    }

    /** {@code leaf} inside {@code depth} single-element Lists. */
    private static Object nestedList(int depth, Object leaf) {
        Object value = leaf;
        for (int i = 0; i < depth; i++) value = Arrays.asList(value);
        return value;
    }

    @Test
    void anArrayNested100000DeepIsRefusedNamingTheLimit() {
        Object[] deepArray = {1};
        for (int i = 1; i < 100_000; i++) deepArray = new Object[] {deepArray};
        Object[] arrays = deepArray;
        var e = assertThrows(DataException.class, () -> quoted(adapt(arrays)));
        assertTrue(e.getMessage().contains("nested more than 6 deep"), e.getMessage());

        Object lists = nestedList(100_000, "x");
        e = assertThrows(DataException.class, () -> quoted(adapt(lists)));
        assertTrue(e.getMessage().contains("nested more than 6 deep"), e.getMessage());
    }

    @Test
    void sixDimensionsAdaptAndSevenAreRefused() {
        assertEquals("ARRAY[".repeat(6) + "1" + "]".repeat(6), quoted(adapt(nestedList(6, 1))));
        assertEquals("'" + "{".repeat(6) + "NULL" + "}".repeat(6) + "'", quoted(adapt(nestedList(6, null))));
        assertThrows(DataException.class, () -> quoted(adapt(nestedList(7, 1))));
        assertThrows(DataException.class, () -> quoted(adapt(new int[1][1][1][1][1][1][1])));
    }

    @Test
    void anArrayThatContainsItselfIsRefused() {
        List<Object> cycle = new ArrayList<>();
        cycle.add(1);
        cycle.add(cycle);
        assertThrows(DataException.class, () -> quoted(adapt(cycle)));
    }

    @Test
    void arrayWithANulStringRaisesDataException() {
        assertThrows(DataException.class, () -> lit(List.of("ok", "a\0b")));
    }

    @Test
    void arrayOfAnUnadaptableTypeRaisesProgrammingException() {
        var e = assertThrows(ProgrammingException.class, () -> lit(List.of(new Object())));
        assertTrue(e.getMessage().startsWith("can't adapt type 'java.lang.Object'"), e.getMessage());
    }

    // ---- lookup for arrays ----

    @Test
    void anAdapterForTheExactArrayClassWins() {
        registerAdapter(String[].class, a -> new AsIs("'strings'"));
        try {
            assertEquals("'strings'", lit(new String[] {"a"}));
            assertEquals("ARRAY[1]", lit(new Integer[] {1}));
        } finally {
            unregisterAdapter(String[].class);
        }
        assertEquals("ARRAY['a']", lit(new String[] {"a"}));
    }

    @Test
    void anAdapterForObjectArraysServesEveryReferenceArray() {
        registerAdapter(Object[].class, a -> new AsIs("'objects " + a.length + "'"));
        try {
            assertEquals("'objects 2'", lit(new String[] {"a", "b"}));
            assertEquals("ARRAY[1]", lit(new int[] {1}), "primitive arrays keep their own");
        } finally {
            // the built-in one back
            unregisterAdapter(Object[].class);
            Adapters.register(Object[].class, ArrayAdapter::new);
        }
        assertEquals("ARRAY['a','b']", lit(new String[] {"a", "b"}));
    }

    @Test
    void anAdapterForAListClassBeatsTheListInterface() {
        registerAdapter(ArrayList.class, l -> new AsIs("'arraylist'"));
        try {
            assertEquals("'arraylist'", lit(new ArrayList<>(List.of(1))));
            assertEquals("ARRAY[1]", lit(new LinkedList<>(List.of(1))));
        } finally {
            unregisterAdapter(ArrayList.class);
        }
    }

    // ---- numbers of other classes ----

    static final class Weird extends Number {
        @Override
        public int intValue() {
            return 1;
        }

        @Override
        public long longValue() {
            return 1;
        }

        @Override
        public float floatValue() {
            return 1;
        }

        @Override
        public double doubleValue() {
            return 2.5;
        }

        @Override
        public String toString() {
            return "1; DROP TABLE x";
        }
    }

    @Test
    void aNumberOfAnotherClassNeverPutsItsToStringIntoTheQuery() {
        assertEquals("2.5", lit(new Weird()));
    }

    // ---- strings ----

    @ParameterizedTest
    @ValueSource(strings = {"\ud800", "a\udc00b", "\ud83d", "x\ude00\ud83d"})
    void unpairedSurrogatesRaiseDataException(String s) {
        var e = assertThrows(DataException.class, () -> lit(s));
        assertTrue(e.getMessage().contains("surrogate"), e.getMessage());
    }

    @Test
    void pairedSurrogatesAreKept() {
        assertEquals("'\ud83d\ude00\ud800\udc00'", lit("\ud83d\ude00\ud800\udc00"));
    }

    @Test
    void nulMessageSaysWhy() {
        var e = assertThrows(DataException.class, () -> lit("ab\0c"));
        assertTrue(e.getMessage().contains("NUL"), e.getMessage());
        assertTrue(e.getMessage().contains("index 2"), e.getMessage());
        assertThrows(DataException.class, () -> lit(new Json("{\"a\": \"\0\"}")));
    }

    @Test
    void nonAsciiTextNeedsAUtf8Session() {
        QuotedString q = new QuotedString("caf\u00e9");
        q.prepare(FakeSession.with("on", "LATIN1"));
        var e = assertThrows(DataException.class, q::getQuoted);
        assertTrue(e.getMessage().contains("LATIN1"), e.getMessage());

        QuotedString ascii = new QuotedString("cafe");
        ascii.prepare(FakeSession.with("on", "SJIS"));
        assertEquals("'cafe'", quoted(ascii), "ASCII reads the same in every server encoding");

        for (String enc : new String[] {"UTF8", "SQL_ASCII"}) {
            QuotedString ok = new QuotedString("caf\u00e9");
            ok.prepare(FakeSession.with("on", enc));
            assertEquals("'caf\u00e9'", quoted(ok));
        }
    }

    // ---- wrappers ----

    @Test
    void wrappersFollowStandardConformingStrings() {
        Json j = new Json("{\"path\": \"C:\\\\x\"}");
        assertEquals("E'{\"path\": \"C:\\\\\\\\x\"}'::json", quoted(j), "no connection: safe under both settings");
        j.prepare(FakeSession.with("on"));
        assertEquals("'{\"path\": \"C:\\\\x\"}'::json", quoted(j));
        j.prepare(FakeSession.with("off"));
        assertEquals("E'{\"path\": \"C:\\\\\\\\x\"}'::json", quoted(j));
    }

    @Test
    void wrappersCompareByValue() {
        assertEquals(new Json("1"), new Json("1"));
        assertNotEquals(new Json("1"), new Jsonb("1"));
        assertEquals(new Inet("::1").hashCode(), new Inet("::1").hashCode());
        assertEquals("::1", new Inet("::1").address());
        assertEquals("{}", new Jsonb("{}").text());
        assertEquals(Range.int4(1, 5), new Range<>("int4range", 1, 5, true, false));
        assertEquals("[1,5)", Range.int4(1, 5).toString());
        assertEquals("(,)", new Range<>("int4range", null, null, true, true).toString());
        assertEquals("empty", Range.empty("daterange").toString());
        assertTrue(Range.empty("daterange").isEmpty());
    }

    @Test
    void rangeTypeNamesAreChecked() {
        for (String bad : new String[] {"", "int4range(1,2); --", "a b", "1range", "a..b", ".a", "a.", "\"x\""}) {
            assertThrows(ProgrammingException.class, () -> new Range<>(bad, 1, 2, true, false), bad);
        }
        assertThrows(ProgrammingException.class, () -> new Range<>(null, null, true, false));
        assertThrows(ProgrammingException.class, () -> new Range<>(new Object(), null, true, false));
    }

    @Test
    void rangeBoundsAreAdaptedOneByOne() {
        var r = new Range<>("textrange", "a'b", "c", true, false);
        assertEquals("textrange('a''b', 'c', '[)')", quoted(r));

        var backslash = new Range<>("textrange", "a\\b", null, true, false);
        assertEquals("textrange(E'a\\\\b', NULL, '[)')", quoted(backslash), "no connection");
        backslash.prepare(FakeSession.with("on"));
        assertEquals("textrange('a\\b', NULL, '[)')", quoted(backslash), "the connection reaches the bounds");
    }

    // ---- Conform and SqlQuote for user types ----

    record Money(long cents) implements Conform {
        @Override
        public Object conform(Class<?> protocol) {
            return protocol == SqlQuote.class ? new AsIs(cents / 100 + "." + String.format("%02d", cents % 100)) : null;
        }
    }

    @Test
    void conformInsideAnArray() {
        assertEquals("ARRAY[1.50,2.00]", lit(List.of(new Money(150), new Money(200))));
    }

    @Test
    void adaptIsStableAcrossRegistrations() {
        // The cache of resolved adapters forgets on every registration.
        assertThrows(ProgrammingException.class, () -> lit(new StringBuilder("x")));
        registerAdapter(CharSequence.class, cs -> new QuotedString(cs.toString()));
        try {
            assertEquals("'x'", lit(new StringBuilder("x")));
        } finally {
            unregisterAdapter(CharSequence.class);
        }
        assertThrows(ProgrammingException.class, () -> lit(new StringBuilder("x")));
        assertEquals("'s'", lit("s"));
        assertEquals(" -1", lit(BigInteger.ONE.negate()));
    }
}
