package dev.pgreen.jdbc;

import dev.pgreen.typecast.Oids;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Calendar;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * What the ResultSet getters make of a value: from its text for the numbers, strings and booleans, from
 * pgreen's typecast value for dates, times, UUIDs and arrays. NULL is null, 0 or false, as JDBC says.
 */
final class Values {
    /** pgjdbc's stand-ins for 'infinity' and '-infinity' timestamps, which no java.util.Date can hold. */
    static final long POSITIVE_INFINITY = 9223372036825200000L;
    static final long NEGATIVE_INFINITY = -9223372036832400000L;

    private Values() {}

    static boolean toBoolean(TextRow row, int i) throws SQLException {
        if (row.isNull(i)) {
            return false;
        }
        Boolean tf = row.tf(i);
        if (tf != null) {
            return tf;
        }
        String s = row.text(i);
        if (s == null) {
            return false;
        }
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "t", "true", "1", "y", "yes", "on" -> true;
            case "f", "false", "0", "n", "no", "off" -> false;
            default -> {
                try {
                    yield new BigDecimal(s.trim()).signum() != 0;
                } catch (NumberFormatException e) {
                    throw cannot(s, "boolean");
                }
            }
        };
    }

    static long toLong(TextRow row, int i, long min, long max, String type) throws SQLException {
        if (row.isNull(i)) {
            return 0;
        }
        long v = row.longOr(i, Long.MIN_VALUE);
        if (v == Long.MIN_VALUE) {
            v = parseLong(row.text(i), type);
        }
        if (v < min || v > max) {
            throw new SQLDataException("the value " + v + " is out of range for " + type, "22003");
        }
        return v;
    }

    /** An integer from any numeric text ("1.9" gives 1, as pgjdbc does) or a boolean. */
    private static long parseLong(String s, String type) throws SQLException {
        String t = s.trim();
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException notPlain) {
            switch (t) {
                case "t", "true" -> { return 1; }
                case "f", "false" -> { return 0; }
                default -> { }
            }
            try {
                return new BigDecimal(t).setScale(0, RoundingMode.DOWN).longValueExact();
            } catch (NumberFormatException | ArithmeticException e) {
                throw cannot(s, type);
            }
        }
    }

    static double toDouble(TextRow row, int i) throws SQLException {
        String s = row.text(i);
        if (s == null) {
            return 0;
        }
        String t = s.trim();
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            return switch (t) {
                case "t", "true" -> 1;
                case "f", "false" -> 0;
                default -> throw cannot(s, "double");
            };
        }
    }

    static BigDecimal toBigDecimal(TextRow row, int i) throws SQLException {
        if (row.isNull(i)) {
            return null;
        }
        BigDecimal plain = row.decimalOr(i);
        if (plain != null) {
            return plain;
        }
        String s = row.text(i);
        String t = s.trim();
        try {
            return new BigDecimal(t);
        } catch (NumberFormatException e) {
            return switch (t) {
                case "t", "true" -> BigDecimal.ONE;
                case "f", "false" -> BigDecimal.ZERO;
                default -> throw cannot(s, "BigDecimal");
            };
        }
    }

    static byte[] toBytes(TextRow row, int i, int oid) {
        if (row.isNull(i)) {
            return null;
        }
        return oid == Oids.BYTEA ? (byte[]) row.get(i) : row.text(i).getBytes(StandardCharsets.UTF_8);
    }

    static Date toDate(TextRow row, int i, Calendar cal) throws SQLException {
        Object v = row.get(i);
        ZoneId zone = zone(cal);
        return switch (v) {
            case null -> null;
            case LocalDate d -> d.equals(LocalDate.MAX) ? new Date(POSITIVE_INFINITY)
                    : d.equals(LocalDate.MIN) ? new Date(NEGATIVE_INFINITY)
                    : new Date(d.atStartOfDay(zone).toInstant().toEpochMilli());
            case LocalDateTime t -> toDate(t.toLocalDate(), zone);
            case OffsetDateTime t -> toDate(t.atZoneSameInstant(ZoneId.systemDefault()).toLocalDate(), zone);
            case String s -> parsed(s, "date", () -> Date.valueOf(s.trim()));
            default -> throw cannot(v, "date");
        };
    }

    private static Date toDate(LocalDate d, ZoneId zone) {
        return new Date(d.atStartOfDay(zone).toInstant().toEpochMilli());
    }

    static Time toTime(TextRow row, int i, Calendar cal) throws SQLException {
        Object v = row.get(i);
        return switch (v) {
            case null -> null;
            case LocalTime t -> time(t, zone(cal));
            case OffsetTime t -> new Time(t.atDate(LocalDate.EPOCH).toInstant().toEpochMilli());
            case LocalDateTime t -> time(t.toLocalTime(), zone(cal));
            case OffsetDateTime t -> time(t.atZoneSameInstant(ZoneId.systemDefault()).toLocalTime(),
                    ZoneId.systemDefault());
            case String s -> parsed(s, "time", () -> Time.valueOf(s.trim()));
            default -> throw cannot(v, "time");
        };
    }

    private static Time time(LocalTime t, ZoneId zone) {
        return new Time(t.atDate(LocalDate.EPOCH).atZone(zone).toInstant().toEpochMilli());
    }

    static Timestamp toTimestamp(TextRow row, int i, Calendar cal) throws SQLException {
        Object v = row.get(i);
        return switch (v) {
            case null -> null;
            case LocalDateTime t -> t.equals(LocalDateTime.MAX) ? new Timestamp(POSITIVE_INFINITY)
                    : t.equals(LocalDateTime.MIN) ? new Timestamp(NEGATIVE_INFINITY)
                    : cal == null ? Timestamp.valueOf(t) : Timestamp.from(t.atZone(zone(cal)).toInstant());
            case OffsetDateTime t -> t.equals(OffsetDateTime.MAX) ? new Timestamp(POSITIVE_INFINITY)
                    : t.equals(OffsetDateTime.MIN) ? new Timestamp(NEGATIVE_INFINITY) : Timestamp.from(t.toInstant());
            case LocalDate d -> d.equals(LocalDate.MAX) ? new Timestamp(POSITIVE_INFINITY)
                    : d.equals(LocalDate.MIN) ? new Timestamp(NEGATIVE_INFINITY)
                    : Timestamp.from(d.atStartOfDay(zone(cal)).toInstant());
            case LocalTime t -> Timestamp.from(t.atDate(LocalDate.EPOCH).atZone(zone(cal)).toInstant());
            case OffsetTime t -> Timestamp.from(t.atDate(LocalDate.EPOCH).toInstant());
            case String s -> parsed(s, "timestamp", () -> Timestamp.valueOf(s.trim()));
            default -> throw cannot(v, "timestamp");
        };
    }

    private static ZoneId zone(Calendar cal) {
        return cal == null ? ZoneId.systemDefault() : cal.getTimeZone().toZoneId();
    }

    /** getObject: JDBC's default mapping for the column's type (java.sql dates, Array...); pgreen's otherwise. */
    static Object toObject(TextRow row, int i, int oid) throws SQLException {
        if (row.isNull(i)) {
            return null;
        }
        PgTypes.Type type = PgTypes.byOid(oid);
        if (type == null) {
            // A type pgreen has no caster for reads as its text, unless one was registered for it.
            return row.get(i);
        }
        return switch (oid) {
            case Oids.DATE -> toDate(row, i, null);
            case Oids.TIME, Oids.TIMETZ -> toTime(row, i, null);
            case Oids.TIMESTAMP, Oids.TIMESTAMPTZ -> toTimestamp(row, i, null);
            case Oids.INT2 -> (int) toLong(row, i, Short.MIN_VALUE, Short.MAX_VALUE, "smallint");
            case Oids.INT4 -> (int) toLong(row, i, Integer.MIN_VALUE, Integer.MAX_VALUE, "int");
            case Oids.INT8, Oids.OID -> toLong(row, i, Long.MIN_VALUE, Long.MAX_VALUE, "bigint");
            case Oids.FLOAT4 -> (float) toDouble(row, i);
            case Oids.INTERVAL, Oids.MONEY, Oids.JSON, Oids.JSONB, Oids.INET, Oids.CIDR, Oids.XML, Oids.VOID ->
                    row.text(i);
            default -> type.isArray() && row.get(i) instanceof List<?> l ? JdbcArray.fromResult(oid, l)
                    : type.isArray() ? row.text(i) : row.get(i);
        };
    }

    /** An element of an array as getObject would give it. */
    static Object jdbcObject(Object v, PgTypes.Type element) {
        return switch (v) {
            case LocalDate d -> Date.valueOf(d);
            case LocalDateTime t -> Timestamp.valueOf(t);
            case OffsetDateTime t -> Timestamp.from(t.toInstant());
            case LocalTime t -> Time.valueOf(t);
            case OffsetTime t -> new Time(t.atDate(LocalDate.EPOCH).toInstant().toEpochMilli());
            case Double d when element != null && element.oid() == Oids.FLOAT4 -> d.floatValue();
            case null, default -> v;
        };
    }

    /** getObject(column, type): JDBC 4.2's java.time mappings, UUID, BigDecimal and the boxed primitives. */
    @SuppressWarnings("unchecked")
    static <T> T toObject(TextRow row, int i, int oid, Class<T> type) throws SQLException {
        if (type == null) {
            throw new SQLException("the type to convert to is null", "22023");
        }
        if (row.isNull(i)) {
            return null;
        }
        Object v;
        if (type == String.class) v = row.text(i);
        else if (type == Integer.class) v = (int) toLong(row, i, Integer.MIN_VALUE, Integer.MAX_VALUE, "int");
        else if (type == Long.class) v = toLong(row, i, Long.MIN_VALUE, Long.MAX_VALUE, "bigint");
        else if (type == Short.class) v = (short) toLong(row, i, Short.MIN_VALUE, Short.MAX_VALUE, "smallint");
        else if (type == Byte.class) v = (byte) toLong(row, i, Byte.MIN_VALUE, Byte.MAX_VALUE, "byte");
        else if (type == Double.class) v = toDouble(row, i);
        else if (type == Float.class) v = (float) toDouble(row, i);
        else if (type == Boolean.class) v = toBoolean(row, i);
        else if (type == BigDecimal.class) v = toBigDecimal(row, i);
        else if (type == BigInteger.class) v = toBigDecimal(row, i).toBigInteger();
        else if (type == byte[].class) v = toBytes(row, i, oid);
        else if (type == Date.class) v = toDate(row, i, null);
        else if (type == Time.class) v = toTime(row, i, null);
        else if (type == Timestamp.class) v = toTimestamp(row, i, null);
        else if (type == java.sql.Array.class) v = toObject(row, i, oid);
        else v = temporalOrOther(type == OffsetDateTime.class ? utc(row.get(i)) : row.get(i), type);
        if (!type.isInstance(v)) {
            throw new SQLException("can't convert a value of type " + typeName(oid) + " to " + type.getName(),
                    "22023");
        }
        return (T) v;
    }

    /** A java.time type, UUID, Duration or whatever pgreen's typecaster made of the value. */
    private static Object temporalOrOther(Object v, Class<?> type) {
        if (type.isInstance(v)) {
            return v;
        }
        if (type == UUID.class && v instanceof String s) {
            return UUID.fromString(s.trim());
        }
        if (v instanceof LocalDateTime t) {
            if (type == LocalDate.class) return t.toLocalDate();
            if (type == LocalTime.class) return t.toLocalTime();
            if (type == OffsetDateTime.class) return t.atOffset(ZoneOffset.UTC);
            if (type == Instant.class) return t.toInstant(ZoneOffset.UTC);
        }
        if (v instanceof OffsetDateTime t) {
            if (type == Instant.class) return t.toInstant();
            if (type == ZonedDateTime.class) return t.toZonedDateTime();
            if (type == LocalDateTime.class) return t.atZoneSameInstant(ZoneId.systemDefault()).toLocalDateTime();
            if (type == LocalDate.class) return t.atZoneSameInstant(ZoneId.systemDefault()).toLocalDate();
        }
        if (v instanceof LocalDate d && type == LocalDateTime.class) {
            return d.atStartOfDay();
        }
        if (v instanceof OffsetTime t && type == LocalTime.class) {
            return t.toLocalTime();
        }
        if (v instanceof Duration d && type == String.class) {
            return d.toString();
        }
        return v;
    }

    /** The OffsetDateTime JDBC code gets for a timestamptz: at UTC, as pgjdbc gives it. */
    static Object utc(Object v) {
        return v instanceof OffsetDateTime t && !t.equals(OffsetDateTime.MAX) && !t.equals(OffsetDateTime.MIN)
                ? t.withOffsetSameInstant(ZoneOffset.UTC) : v;
    }

    private static String typeName(int oid) {
        PgTypes.Type t = PgTypes.byOid(oid);
        return t == null ? "oid " + oid : t.name();
    }

    private interface Parse<T> {
        T get();
    }

    private static <T> T parsed(String s, String type, Parse<T> parse) throws SQLException {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw cannot(s, type);
        }
    }

    static SQLDataException cannot(Object value, String type) {
        String shown = String.valueOf(value);
        if (shown.length() > 60) {
            shown = shown.substring(0, 60) + "...";
        }
        return new SQLDataException("bad value for type " + type + ": " + shown, "22003");
    }
}
