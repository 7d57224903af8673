package dev.pgreen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pgreen.adapt.Cidr;
import dev.pgreen.adapt.Inet;
import dev.pgreen.adapt.Json;
import dev.pgreen.adapt.Jsonb;
import dev.pgreen.adapt.Range;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;

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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Property tests against the real server: thousands of generated values of every adapted type go out as
 * literals ({@code SELECT %s, %s, ...} in batches, and through a table column) and must come back equal. The
 * values are generated from a fixed seed. No value may change the statement's meaning: every batch must come
 * back with exactly one column per argument, and a canary table must survive every injection attempt.
 */
@ExtendWith(PgServerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TypeRoundTripTest {
    private static final int BATCH = 100;
    private static final String[] ZONES = {"UTC", "Asia/Kolkata", "America/St_Johns", "Pacific/Chatham",
            "Europe/Amsterdam", "America/Los_Angeles"};

    /** Values that try to end the literal, the statement, or the transaction. */
    static final String[] INJECTIONS = {
        "'; DROP TABLE rt_canary; --", "'); DROP TABLE rt_canary; --", "\\'; DROP TABLE rt_canary; --",
        "\\\\'; DROP TABLE rt_canary; --", "' OR '1'='1", "''", "'", "\\", "\\\\", "\\'", "'\\", "E'\\''",
        "$$; DROP TABLE rt_canary; $$", "$x$", "$1", "%s", "%(name)s", "%%", "%", "--", "/*", "*/", "; COMMIT;",
        "\\x27; DROP TABLE rt_canary; --", "\\047", "U&'\\0027'", "\u02bc; DROP TABLE rt_canary; --",
        "\uff07; DROP TABLE rt_canary; --", "\u2019", "\r\n'; DROP TABLE rt_canary; --", "\\\r\n", "\"",
        "\\\"", "{}", "{\"a\":\"'\"}", "NULL", "null", "ARRAY[1]", "'::int; DROP TABLE rt_canary; --",
        "\ud83d\ude00'; DROP TABLE rt_canary; --", "\\u0027", "\\\u00e9'", "\u00a5\\'", "\u815e'", "\u8868\\'",
    };

    /** Characters with a meaning in SQL, in literals, in arrays or in the query formatter. */
    private static final String SPECIALS = "'\\\"$%;-{},()[]/*\n\r\t E:&";

    private final Random random = new Random(3_141_592_653L);
    private Connection conn;
    private Cursor cur;

    @BeforeAll
    void connect(TestServer server) {
        conn = Pgreen.connect(server.dsn());
        conn.setAutocommit(true);
        cur = conn.cursor();
        cur.execute("DROP TABLE IF EXISTS rt_canary");
        cur.execute("CREATE TABLE rt_canary (n int)");
        cur.execute("INSERT INTO rt_canary VALUES (42)");
    }

    @AfterAll
    void close() {
        if (conn != null) {
            Cursor c = conn.cursor();
            c.execute("SELECT n FROM rt_canary");
            assertEquals(List.of(42), c.fetchAll().stream().map(r -> r.get(0)).toList(), "the canary survived");
            c.execute("DROP TABLE rt_canary");
            conn.close();
        }
    }

    @BeforeEach
    void defaults() {
        cur.execute("SET standard_conforming_strings = on; SET TimeZone = 'UTC'; SET IntervalStyle = postgres");
    }

    // ---- the machinery ----

    /** Sends the values as {@code SELECT %s, ...} in batches; each column must come back as {@code check} says. */
    private void viaSelect(List<?> values, BiConsumer<Object, Object> check) {
        for (int from = 0; from < values.size(); from += BATCH) {
            List<?> batch = values.subList(from, Math.min(values.size(), from + BATCH));
            StringBuilder sql = new StringBuilder("SELECT ");
            for (int i = 0; i < batch.size(); i++) sql.append(i == 0 ? "%s" : ", %s");
            cur.execute(sql.toString(), batch.toArray());
            assertEquals(batch.size(), cur.description().size(), "one column per argument");
            Row row = cur.fetchOne();
            assertEquals(1, cur.rowCount(), "one row");
            for (int i = 0; i < batch.size(); i++) {
                Object sent = batch.get(i);
                try {
                    check.accept(sent, row.get(i));
                } catch (AssertionError e) {
                    throw new AssertionError("value " + describe(sent) + " came back as " + describe(row.get(i))
                            + "; literal: " + cur.mogrify("%s", sent), e);
                }
            }
        }
    }

    /** Stores the values in a column of type {@code sqlType} with multi-row INSERTs, reads them back in order. */
    private void viaColumn(String sqlType, List<?> values, BiConsumer<Object, Object> check) {
        cur.execute("DROP TABLE IF EXISTS rt_values; CREATE TABLE rt_values (id int PRIMARY KEY, v " + sqlType + ")");
        try {
            for (int from = 0; from < values.size(); from += BATCH) {
                int to = Math.min(values.size(), from + BATCH);
                StringBuilder sql = new StringBuilder("INSERT INTO rt_values (id, v) VALUES ");
                List<Object> args = new ArrayList<>();
                for (int i = from; i < to; i++) {
                    sql.append(i == from ? "(%s, %s)" : ", (%s, %s)");
                    args.add(i);
                    args.add(values.get(i));
                }
                cur.execute(sql.toString(), args.toArray());
                assertEquals(to - from, cur.rowCount());
            }
            cur.execute("SELECT id, v FROM rt_values ORDER BY id");
            List<Row> rows = cur.fetchAll();
            assertEquals(values.size(), rows.size());
            for (int i = 0; i < rows.size(); i++) {
                assertEquals(i, rows.get(i).get(0));
                Object sent = values.get(i);
                Object got = rows.get(i).get(1);
                try {
                    check.accept(sent, got);
                } catch (AssertionError e) {
                    throw new AssertionError(sqlType + " value " + describe(sent) + " came back as " + describe(got), e);
                }
            }
        } finally {
            cur.execute("DROP TABLE IF EXISTS rt_values");
        }
    }

    private static String describe(Object o) {
        if (o instanceof byte[] b) return "byte[" + b.length + "] " + Arrays.toString(b);
        if (o instanceof String s) return "\"" + s.codePoints().mapToObj(c -> c < 0x20 || c > 0x7e
                ? String.format("\\u{%x}", c) : Character.toString(c)).reduce("", String::concat) + "\"";
        return o == null ? "null" : o + " (" + o.getClass().getSimpleName() + ")";
    }

    /** A JSON string literal in the form jsonb writes it back (PostgreSQL's escape_json). */
    static String jsonString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static <T> List<T> generate(int n, Supplier<T> gen) {
        List<T> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(gen.get());
        return out;
    }

    private static void same(Object sent, Object got) {
        assertEquals(sent, got);
    }

    // ---- strings ----

    private String randomString() {
        int kind = random.nextInt(10);
        if (kind == 0) return INJECTIONS[random.nextInt(INJECTIONS.length)];
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(kind == 1 ? 200 : 24);
        for (int i = 0; i < n; i++) {
            int cp = switch (random.nextInt(8)) {
                case 0 -> SPECIALS.charAt(random.nextInt(SPECIALS.length()));
                case 1 -> 1 + random.nextInt(0x1f);                    // control characters, NUL excepted
                case 2 -> 0x7f + random.nextInt(0x80);                 // DEL, C1 controls, Latin-1
                case 3 -> 0x100 + random.nextInt(0xd800 - 0x100);      // the rest of the BMP below the surrogates
                case 4 -> 0xe000 + random.nextInt(0x10000 - 0xe000);   // the BMP above them, U+FFFF included
                case 5 -> 0x10000 * (1 + random.nextInt(16)) + random.nextInt(0x10000); // planes 1 to 16
                default -> 0x20 + random.nextInt(0x5f);                // printable ASCII
            };
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    @Test
    void stringsWithStandardConformingStringsOnAndOff() {
        List<String> values = generate(3000, this::randomString);
        values.addAll(List.of(INJECTIONS));
        for (String scs : new String[] {"on", "off"}) {
            cur.execute("SET standard_conforming_strings = " + scs);
            assertEquals(scs, conn.parameterStatus("standard_conforming_strings"));
            viaSelect(values, TypeRoundTripTest::same);
            viaColumn("text", values, TypeRoundTripTest::same);
            viaSelect(values.stream().map(s -> s.isEmpty() ? 'x' : s.charAt(0))
                    .filter(c -> !Character.isSurrogate(c)).toList(), (s, g) -> assertEquals(s.toString(), g));
        }
    }

    @Test
    void injectionAttemptsThroughEveryKindOfPlaceholder() {
        for (String scs : new String[] {"on", "off"}) {
            cur.execute("SET standard_conforming_strings = " + scs);
            for (String s : INJECTIONS) {
                cur.execute("SELECT %s::text, %s", s, 7);
                assertEquals(List.of(s, 7), cur.fetchOne().toList());
                Map<String, Object> named = new LinkedHashMap<>();
                named.put("a", s);
                named.put("b", s);
                cur.execute("SELECT %(a)s, %(b)s, %(a)s = %(b)s", named);
                assertEquals(List.of(s, s, true), cur.fetchOne().toList());
                cur.execute("SELECT %s", List.of(s, s + s));
                assertEquals(List.of(List.of(s, s + s)), cur.fetchOne().toList());
                cur.execute("SELECT %s, %s, %s", new Json(jsonString(s)),
                        new Range<>("int4range", 1, 2, true, false), s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                Row r = cur.fetchOne();
                assertEquals(3, r.size());
                assertArrayEquals(s.getBytes(java.nio.charset.StandardCharsets.UTF_8), (byte[]) r.get(2));
                cur.execute("SELECT n FROM rt_canary");
                assertEquals(42, cur.fetchOne().get(0));
            }
            cur.executeMany("INSERT INTO rt_canary SELECT 1 WHERE %s IS NULL", Arrays.stream(INJECTIONS)
                    .map(s -> new Object[] {s}).toList());
            cur.execute("SELECT count(*) FROM rt_canary");
            assertEquals(1L, cur.fetchOne().get(0));
        }
    }

    // ---- bytea ----

    @Test
    void bytes() {
        List<byte[]> values = generate(1500, () -> {
            byte[] b = new byte[random.nextInt(random.nextInt(10) == 0 ? 2000 : 40)];
            random.nextBytes(b);
            return b;
        });
        BiConsumer<Object, Object> check = (s, g) -> assertArrayEquals((byte[]) s, assertInstanceOf(byte[].class, g));
        for (String scs : new String[] {"on", "off"}) {
            cur.execute("SET standard_conforming_strings = " + scs);
            viaSelect(values, check);
            viaColumn("bytea", values, check);
        }
        cur.execute("SET bytea_output = escape");
        viaSelect(values.subList(0, 300), check);
        cur.execute("RESET bytea_output");
    }

    // ---- numbers ----

    @Test
    void integers() {
        List<Object> values = new ArrayList<>(List.of(0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, Long.MIN_VALUE,
                Long.MAX_VALUE, (short) -32768, (byte) 127, BigInteger.TWO.pow(200).negate()));
        values.addAll(generate(2000, () -> switch (random.nextInt(5)) {
            case 0 -> random.nextInt();
            case 1 -> random.nextLong();
            case 2 -> (short) random.nextInt();
            case 3 -> (long) random.nextInt(100) - 50;
            default -> new BigInteger(random.nextInt(100) + 1, random).subtract(BigInteger.TWO.pow(50));
        }));
        viaSelect(values, (s, g) -> {
            BigInteger sent = new BigInteger(s.toString());
            if (sent.bitLength() < 32) {
                assertEquals(sent.intValueExact(), assertInstanceOf(Integer.class, g));
            } else if (sent.bitLength() < 64) {
                assertEquals(sent.longValueExact(), assertInstanceOf(Long.class, g));
            } else {
                assertEquals(new BigDecimal(sent), assertInstanceOf(BigDecimal.class, g));
            }
        });
        viaColumn("numeric", values, (s, g) -> assertEquals(new BigDecimal(s.toString()), g));
        // A negative number after a minus sign must not become a comment.
        cur.execute("SELECT 10 -%s, 10 - %s", -3, -3);
        assertEquals(List.of(13, 13), cur.fetchOne().toList());
    }

    private double randomDouble() {
        return switch (random.nextInt(6)) {
            case 0 -> {
                double d;
                do {
                    d = Double.longBitsToDouble(random.nextLong());
                } while (Double.isNaN(d) || Double.isInfinite(d));
                yield d;
            }
            case 1 -> new double[] {Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, -Double.MIN_VALUE,
                Double.MIN_NORMAL, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, 0.1, 1e23,
                9007199254740993.0}[random.nextInt(13)];
            case 2 -> random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20);
            default -> random.nextDouble();
        };
    }

    @Test
    void floatingPoint() {
        List<Double> doubles = generate(2000, this::randomDouble);
        // A finite double is a numeric literal; its decimal reads back as the very same double.
        BiConsumer<Object, Object> check = (s, g) -> {
            double sent = (Double) s;
            double got = g instanceof BigDecimal d ? d.doubleValue() : (Double) g;
            assertEquals(Double.doubleToLongBits(sent), Double.doubleToLongBits(got));
        };
        viaSelect(doubles, check);
        viaColumn("float8", doubles, check);
        List<Float> floats = generate(1000, () -> random.nextBoolean() ? Float.intBitsToFloat(random.nextInt())
                : (float) random.nextGaussian());
        viaColumn("float4", floats.stream().filter(f -> !Float.isNaN(f)).toList(), (s, g) -> {
            float sent = (Float) s;
            float got = ((Double) g).floatValue();
            assertEquals(Float.floatToIntBits(sent), Float.floatToIntBits(got));
        });
    }

    @Test
    void decimals() {
        List<BigDecimal> values = generate(2000, () -> {
            BigInteger unscaled = new BigInteger(1 + random.nextInt(random.nextInt(8) == 0 ? 400 : 100), random);
            if (random.nextBoolean()) unscaled = unscaled.negate();
            int scale = random.nextInt(60) - 10;
            return new BigDecimal(unscaled, scale);
        });
        values.addAll(List.of(BigDecimal.ZERO, new BigDecimal("0.000"), new BigDecimal("-0.5"), new BigDecimal("1E+3"),
                new BigDecimal("1E-300"), new BigDecimal("5"), new BigDecimal("12345678901234567890")));
        BiConsumer<Object, Object> check = (s, g) -> {
            BigDecimal sent = (BigDecimal) s;
            BigDecimal got = assertInstanceOf(BigDecimal.class, g);
            if (sent.scale() >= 0) {
                assertEquals(sent, got, "the same value and scale");
            } else {
                assertEquals(0, sent.compareTo(got), "numeric has no negative scale: the same value");
            }
        };
        viaSelect(values, check);
        viaColumn("numeric", values, check);
        cur.execute("SELECT 'NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric");
        assertEquals(List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY), cur.fetchOne().toList());
    }

    // ---- booleans, uuids ----

    @Test
    void booleansAndUuids() {
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            values.add(random.nextBoolean());
            values.add(new UUID(random.nextLong(), random.nextLong()));
        }
        viaSelect(values, TypeRoundTripTest::same);
        viaColumn("uuid", values.stream().filter(v -> v instanceof UUID).toList(), TypeRoundTripTest::same);
        viaColumn("bool", values.stream().filter(v -> v instanceof Boolean).toList(), TypeRoundTripTest::same);
    }

    // ---- dates and times ----

    /** Between 4713 BC and the last day a type can hold, micro-second precision, year 0 (1 BC) included. */
    private LocalDateTime randomDateTime(int maxYear) {
        int year = switch (random.nextInt(5)) {
            case 0 -> -4712 + random.nextInt(4713);
            case 1 -> 1 + random.nextInt(9999);
            case 2 -> 10000 + random.nextInt(maxYear - 10000);
            default -> 1850 + random.nextInt(250);
        };
        LocalDateTime t = LocalDateTime.of(year, 1, 1, 0, 0).plusSeconds(random.nextLong(366L * 86400))
                .withNano(random.nextInt(1_000_000) * 1000);
        if (t.getYear() > maxYear) t = t.withYear(maxYear).withMonth(1);
        if (t.getYear() < -4712) t = t.withYear(-4712).withMonth(12);
        return t;
    }

    @Test
    void dates() {
        List<LocalDate> values = generate(2000, () -> randomDateTime(5_874_897).toLocalDate());
        values.addAll(List.of(LocalDate.MAX, LocalDate.MIN, LocalDate.of(0, 2, 29), LocalDate.of(-4, 2, 29),
                LocalDate.of(1, 1, 1), LocalDate.of(0, 12, 31), LocalDate.of(5_874_897, 12, 31), LocalDate.of(-4712, 11, 24)));
        viaSelect(values, TypeRoundTripTest::same);
        viaColumn("date", values, TypeRoundTripTest::same);
    }

    @Test
    void timestamps() {
        List<LocalDateTime> values = generate(2000, () -> randomDateTime(294_276));
        values.addAll(List.of(LocalDateTime.MAX, LocalDateTime.MIN, LocalDateTime.of(0, 12, 31, 23, 59, 59, 999_999_000),
                LocalDateTime.of(1, 1, 1, 0, 0)));
        viaSelect(values, TypeRoundTripTest::same);
        viaColumn("timestamp", values, TypeRoundTripTest::same);
    }

    @Test
    void timestampsWithTimeZoneInSeveralSessionZones() {
        List<Object> values = new ArrayList<>(generate(1500, () -> {
            LocalDateTime t = randomDateTime(294_275);
            // Java allows offsets to ±18:00, the server's input to ±15:59:59: the adapter sends those in UTC.
            ZoneOffset offset = ZoneOffset.ofTotalSeconds((random.nextInt(2 * 18 * 4 - 1) - 18 * 4 + 1) * 900
                    + (random.nextInt(4) == 0 ? random.nextInt(60) : 0) * (random.nextBoolean() ? 1 : -1));
            OffsetDateTime odt = OffsetDateTime.of(t, offset);
            return switch (random.nextInt(3)) {
                case 0 -> odt;
                case 1 -> odt.toInstant();
                default -> odt.atZoneSameInstant(ZoneId.of(ZONES[random.nextInt(ZONES.length)]));
            };
        }));
        values.addAll(List.of(OffsetDateTime.MAX, OffsetDateTime.MIN, Instant.MAX, Instant.MIN));
        for (String zone : ZONES) {
            cur.execute("SET TimeZone = %s", zone);
            BiConsumer<Object, Object> check = (s, g) -> {
                OffsetDateTime got = assertInstanceOf(OffsetDateTime.class, g);
                if (s.equals(OffsetDateTime.MAX) || s.equals(Instant.MAX)) {
                    assertEquals(OffsetDateTime.MAX, got);
                    return;
                }
                if (s.equals(OffsetDateTime.MIN) || s.equals(Instant.MIN)) {
                    assertEquals(OffsetDateTime.MIN, got);
                    return;
                }
                Instant sent = switch (s) {
                    case OffsetDateTime o -> o.toInstant();
                    case ZonedDateTime z -> z.toInstant();
                    default -> (Instant) s;
                };
                assertEquals(sent, got.toInstant(), "the same instant");
                if (got.getYear() >= 1980 && got.getYear() <= 2030) {
                    // At the session's offset (older dates depend on the two tz databases' history).
                    assertEquals(ZoneId.of(zone).getRules().getOffset(sent), got.getOffset(), "the session's offset");
                }
            };
            viaSelect(values, check);
            if (zone.equals("Asia/Kolkata") || zone.equals("America/St_Johns")) {
                viaColumn("timestamptz", values, check);
            }
        }
    }

    @Test
    void times() {
        List<Object> values = new ArrayList<>(generate(1500, () -> LocalTime.ofNanoOfDay(
                random.nextLong(86_400_000_000L) * 1000)));
        values.addAll(List.of(LocalTime.MIDNIGHT, LocalTime.NOON, LocalTime.of(23, 59, 59, 999_999_000)));
        viaSelect(values, TypeRoundTripTest::same);
        viaColumn("time", values, TypeRoundTripTest::same);
        // 23:59:59.999999999 rounds to the server's 24:00:00, which reads back as LocalTime.MAX
        viaSelect(List.of(LocalTime.MAX), TypeRoundTripTest::same);

        List<OffsetTime> tz = generate(1500, () -> OffsetTime.of(LocalTime.ofNanoOfDay(random.nextLong(86_400_000_000L) * 1000),
                ZoneOffset.ofTotalSeconds(random.nextInt(2 * 57_599 + 1) - 57_599)));
        viaSelect(tz, TypeRoundTripTest::same);
        viaColumn("timetz", tz, TypeRoundTripTest::same);
    }

    @Test
    void intervals() {
        List<Duration> durations = generate(1500, () -> Duration.ofSeconds(
                random.nextLong(2_000_000_000_000L) - 1_000_000_000_000L, random.nextInt(1_000_000) * 1000L));
        durations.addAll(List.of(Duration.ZERO, Duration.ofNanos(-1000), Duration.ofDays(365), Duration.ofHours(-25)));
        viaSelect(durations, TypeRoundTripTest::same);
        viaColumn("interval", durations, TypeRoundTripTest::same);

        List<Period> periods = generate(1000, () -> Period.of(random.nextInt(2000) - 1000, random.nextInt(100) - 50,
                random.nextInt(2000) - 1000));
        // A month counts 30 days and a year 365; the server folds 12 months into a year.
        BiConsumer<Object, Object> check = (s, g) -> {
            Period p = (Period) s;
            long months = p.getYears() * 12L + p.getMonths();
            assertEquals(Duration.ofDays(months / 12 * 365 + months % 12 * 30 + p.getDays()), g);
        };
        viaSelect(periods, check);
        viaColumn("interval", periods, check);
    }

    // ---- arrays ----

    @Test
    void arrays() {
        List<Object> ints = generate(300, () -> {
            List<Integer> l = new ArrayList<>();
            for (int n = random.nextInt(8); n > 0; n--) l.add(random.nextInt(5) == 0 ? null : random.nextInt());
            return l;
        });
        viaSelect(ints.stream().filter(l -> ((List<?>) l).stream().anyMatch(x -> x != null)).toList(),
                TypeRoundTripTest::same);
        viaColumn("int4[]", ints, TypeRoundTripTest::same);

        List<Object> strings = generate(500, () -> {
            List<String> l = new ArrayList<>();
            for (int n = 1 + random.nextInt(6); n > 0; n--) {
                l.add(random.nextInt(6) == 0 ? null : switch (random.nextInt(4)) {
                    case 0 -> new String[] {"", "NULL", "null", " a ", "{", "}", ",", "\"", "\\", "a,b", "{1,2}",
                        "'", "\\\"", " "}[random.nextInt(14)];
                    default -> randomString();
                });
            }
            if (l.stream().allMatch(x -> x == null)) l.set(0, "x");
            return l;
        });
        for (String scs : new String[] {"on", "off"}) {
            cur.execute("SET standard_conforming_strings = " + scs);
            viaSelect(strings, TypeRoundTripTest::same);
            viaColumn("text[]", strings, TypeRoundTripTest::same);
        }

        List<Object> matrices = generate(200, () -> {
            int rows = 1 + random.nextInt(3);
            int cols = 1 + random.nextInt(3);
            int[][] m = new int[rows][cols];
            for (int[] r : m) for (int c = 0; c < cols; c++) r[c] = random.nextInt(1000) - 500;
            return m;
        });
        BiConsumer<Object, Object> matrix = (s, g) -> {
            List<Object> expected = new ArrayList<>();
            for (int[] r : (int[][]) s) expected.add(Arrays.stream(r).boxed().toList());
            assertEquals(expected, g);
        };
        viaSelect(matrices, matrix);
        viaColumn("int4[]", matrices, matrix);

        // Empty and all-NULL arrays: typed from the Java array, or from the column.
        viaSelect(List.of(new int[0], new String[0], new LocalDate[0]), (s, g) -> assertEquals(List.of(), g));
        viaSelect(List.of((Object) new Integer[] {null, null}), (s, g) -> assertEquals(Arrays.asList(null, null), g));
        viaColumn("int4[]", List.of(List.of(), Arrays.asList(null, null), new Integer[][] {{null}, {1}}),
                (s, g) -> assertEquals(s instanceof Integer[][] ? List.of(Arrays.asList((Object) null), List.of(1))
                        : s, g));

        List<Object> mixed = List.of(
                List.of(LocalDate.of(-43, 3, 15), LocalDate.MAX),
                List.of(new UUID(1, 2)),
                List.of(Duration.ofSeconds(-1), Duration.ofDays(3)),
                List.of(new BigDecimal("1.10"), new BigDecimal("-2")),
                List.of(true, false),
                List.of(OffsetTime.of(1, 2, 3, 0, ZoneOffset.ofHours(2))),
                List.of(LocalDateTime.of(2024, 1, 2, 3, 4, 5)));
        viaSelect(mixed, TypeRoundTripTest::same);
        viaSelect(List.of((Object) new byte[][] {{1, 2}, {}}), (s, g) -> {
            List<?> l = assertInstanceOf(List.class, g);
            assertArrayEquals(new byte[] {1, 2}, (byte[]) l.get(0));
            assertArrayEquals(new byte[0], (byte[]) l.get(1));
        });
    }

    // ---- wrappers ----

    @Test
    void wrappers() {
        List<Object> values = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String s = randomString();
            String json = "{\"k\": " + jsonString(s) + ", \"n\": [1, 2.5, null]}";
            values.add(new Json(json));
            expected.add(json);
            values.add(new Jsonb(json));
            expected.add(json); // already in jsonb's output form
            String ip = random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256);
            values.add(new Inet(ip));
            expected.add(ip);
            values.add(new Inet(ip + "/24"));
            expected.add(ip + "/24");
            values.add(new Cidr(random.nextInt(256) + ".0.0.0/8"));
            expected.add(((Cidr) values.get(values.size() - 1)).address());
            int lo = random.nextInt(2000) - 1000;
            int hi = lo + 1 + random.nextInt(100);
            values.add(Range.int4(lo, hi));
            expected.add("[" + lo + "," + hi + ")");
            values.add(new Range<>(lo, hi, true, true));
            expected.add("[" + lo + "," + (hi + 1) + ")"); // discrete ranges are canonical: [lo,hi+1)
            values.add(new Range<>((long) lo, null, false, false));
            expected.add("[" + (lo + 1) + ",)");
            LocalDate d = LocalDate.of(2000, 1, 1).plusDays(random.nextInt(10000));
            values.add(Range.date(d, d.plusDays(1 + random.nextInt(50))));
            expected.add(values.get(values.size() - 1).toString());
        }
        values.add(Range.empty("numrange"));
        expected.add("empty");
        values.add(Range.numeric(new BigDecimal("1.5"), new BigDecimal("2.50")));
        expected.add("[1.5,2.50)");
        values.add(Range.timestamptz(OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), null));
        expected.add("[\"2024-01-01 00:00:00+00\",)");
        Map<Object, String> byValue = new java.util.IdentityHashMap<>();
        for (int i = 0; i < values.size(); i++) byValue.put(values.get(i), expected.get(i));
        for (String scs : new String[] {"on", "off"}) {
            cur.execute("SET standard_conforming_strings = " + scs);
            viaSelect(values, (s, g) -> assertEquals(byValue.get(s), g));
        }
    }

    @Test
    void temporalsKeepTheirValueAtMicrosecondPrecision() {
        // Nanoseconds beyond the server's microseconds are rounded by the server, not truncated or refused.
        Instant i = Instant.parse("2024-01-02T03:04:05.0000015Z");
        cur.execute("SELECT %s", i);
        assertEquals(i.plusNanos(500).truncatedTo(ChronoUnit.MICROS), ((OffsetDateTime) cur.fetchOne().get(0)).toInstant());
    }

    @Test
    void nonAsciiTextIsRefusedOnceTheSessionLeavesUtf8() {
        cur.execute("SET client_encoding TO 'LATIN1'");
        try {
            assertEquals("LATIN1", conn.parameterStatus("client_encoding"));
            var e = org.junit.jupiter.api.Assertions.assertThrows(dev.pgreen.errors.DataException.class,
                    () -> cur.mogrify("SELECT %s", "caf\u00e9"));
            assertTrue(e.getMessage().contains("client_encoding"), e.getMessage());
            assertEquals("SELECT 'cafe'", cur.mogrify("SELECT %s", "cafe"), "ASCII reads the same in every encoding");
        } finally {
            cur.execute("RESET client_encoding");
        }
        assertEquals("UTF8", conn.parameterStatus("client_encoding"));
        cur.execute("SELECT %s", "caf\u00e9");
        assertEquals("caf\u00e9", cur.fetchOne().get(0));
    }

    @Test
    void notEveryValueCanBeSent() {
        try {
            cur.execute("SELECT %s", "a\0b");
            fail("a NUL must be refused");
        } catch (dev.pgreen.errors.DataException e) {
            assertTrue(e.getMessage().contains("NUL"), e.getMessage());
        }
    }
}
