package dev.pgreen.adapt;

import dev.pgreen.Connection;
import dev.pgreen.SqlQuote;
import dev.pgreen.errors.ProgrammingException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * A range value (psycopg2's {@code Range}): bounds of any adaptable type, each inclusive or exclusive, a null
 * bound meaning unbounded, or the empty range. It is written with the range type's constructor function, each
 * bound adapted on its own, so no bound is ever spliced into a literal: {@code int4range(1, 5, '[)')},
 * {@code tstzrange('2024-01-01 00:00:00+00:00'::timestamptz, NULL, '[)')}, {@code 'empty'::int4range}.
 *
 * <p>The range type is the one given, or else follows from the bounds' class: Integer, Short and Byte →
 * int4range, Long → int8range, BigDecimal, BigInteger, Double and Float → numrange, LocalDate → daterange,
 * LocalDateTime → tsrange, OffsetDateTime, ZonedDateTime and Instant → tstzrange. Reading a range column gives
 * the server's text ({@code [1,5)}) as a String unless a caster is registered; {@link #toString()} gives the
 * same form for the bounds' own text.
 *
 * @param <T> the type of the bounds
 */
public final class Range<T> implements SqlQuote {
    private final String typeName;
    private final T lower;
    private final T upper;
    private final boolean lowerInclusive;
    private final boolean upperInclusive;
    private final boolean empty;
    private Connection conn;

    /**
     * A range whose type follows from the bounds' class; at least one bound must be non-null. A null bound
     * is unbounded, and never inclusive.
     *
     * @param lower the lower bound, or null for unbounded
     * @param upper the upper bound, or null for unbounded
     * @param lowerInclusive whether the lower bound is in the range ({@code [}) or not ({@code (})
     * @param upperInclusive whether the upper bound is in the range ({@code ]}) or not ({@code )})
     * @throws ProgrammingException if both bounds are null, or their class says no range type
     */
    public Range(T lower, T upper, boolean lowerInclusive, boolean upperInclusive) {
        this(null, lower, upper, lowerInclusive, upperInclusive);
    }

    /**
     * A range of the named type (e.g. {@code "int4range"}, or a type of one's own, optionally schema-qualified:
     * {@code "public.floatrange"}); null to infer it from the bounds.
     *
     * @param typeName the range type, or null
     * @param lower the lower bound, or null for unbounded
     * @param upper the upper bound, or null for unbounded
     * @param lowerInclusive whether the lower bound is in the range
     * @param upperInclusive whether the upper bound is in the range
     * @throws ProgrammingException if {@code typeName} is not a plain (optionally qualified) type name, or it is
     *     null and the bounds say no range type
     */
    public Range(String typeName, T lower, T upper, boolean lowerInclusive, boolean upperInclusive) {
        this(typeName, lower, upper, lowerInclusive && lower != null, upperInclusive && upper != null, false);
    }

    private Range(String typeName, T lower, T upper, boolean lowerInclusive, boolean upperInclusive, boolean empty) {
        this.typeName = typeName == null ? inferType(lower, upper) : checkTypeName(typeName);
        this.lower = lower;
        this.upper = upper;
        this.lowerInclusive = lowerInclusive;
        this.upperInclusive = upperInclusive;
        this.empty = empty;
    }

    /**
     * The empty range of a type, {@code 'empty'::typeName}.
     *
     * @param <T> the type of the bounds
     * @param typeName the range type, such as {@code int4range}
     * @return the empty range
     */
    public static <T> Range<T> empty(String typeName) {
        return new Range<>(Objects.requireNonNull(typeName, "typeName"), null, null, false, false, true);
    }

    /**
     * {@code [lower, upper)}, the type following from the bounds.
     *
     * @param <T> the type of the bounds
     * @param lower the inclusive lower bound, or null for unbounded
     * @param upper the exclusive upper bound, or null for unbounded
     * @return the range
     * @throws ProgrammingException if both bounds are null, or their class says no range type
     */
    public static <T> Range<T> of(T lower, T upper) {
        return new Range<>(lower, upper, true, false);
    }

    /**
     * The int4range {@code [lower, upper)}.
     *
     * @param lower the inclusive lower bound, or null for unbounded
     * @param upper the exclusive upper bound, or null for unbounded
     * @return the range
     */
    public static Range<Integer> int4(Integer lower, Integer upper) {
        return new Range<>("int4range", lower, upper, true, false);
    }

    /**
     * The int8range {@code [lower, upper)}.
     *
     * @param lower the inclusive lower bound, or null for unbounded
     * @param upper the exclusive upper bound, or null for unbounded
     * @return the range
     */
    public static Range<Long> int8(Long lower, Long upper) {
        return new Range<>("int8range", lower, upper, true, false);
    }

    /**
     * The numrange {@code [lower, upper)}.
     *
     * @param lower the inclusive lower bound, or null for unbounded
     * @param upper the exclusive upper bound, or null for unbounded
     * @return the range
     */
    public static Range<BigDecimal> numeric(BigDecimal lower, BigDecimal upper) {
        return new Range<>("numrange", lower, upper, true, false);
    }

    /**
     * The daterange {@code [lower, upper)}.
     *
     * @param lower the inclusive lower bound, or null for unbounded
     * @param upper the exclusive upper bound, or null for unbounded
     * @return the range
     */
    public static Range<LocalDate> date(LocalDate lower, LocalDate upper) {
        return new Range<>("daterange", lower, upper, true, false);
    }

    /**
     * The tsrange {@code [lower, upper)}.
     *
     * @param lower the inclusive lower bound, or null for unbounded
     * @param upper the exclusive upper bound, or null for unbounded
     * @return the range
     */
    public static Range<LocalDateTime> timestamp(LocalDateTime lower, LocalDateTime upper) {
        return new Range<>("tsrange", lower, upper, true, false);
    }

    /**
     * The tstzrange {@code [lower, upper)}.
     *
     * @param lower the inclusive lower bound, or null for unbounded
     * @param upper the exclusive upper bound, or null for unbounded
     * @return the range
     */
    public static Range<OffsetDateTime> timestamptz(OffsetDateTime lower, OffsetDateTime upper) {
        return new Range<>("tstzrange", lower, upper, true, false);
    }

    /**
     * The range type the literal is cast to.
     *
     * @return e.g. {@code int4range}
     */
    public String typeName() {
        return typeName;
    }

    /**
     * The lower bound.
     *
     * @return the bound, or null when unbounded (or empty)
     */
    public T lower() {
        return lower;
    }

    /**
     * The upper bound.
     *
     * @return the bound, or null when unbounded (or empty)
     */
    public T upper() {
        return upper;
    }

    /**
     * Whether the lower bound is in the range.
     *
     * @return true for {@code [}, false for {@code (} (always for an unbounded side)
     */
    public boolean lowerInclusive() {
        return lowerInclusive;
    }

    /**
     * Whether the upper bound is in the range.
     *
     * @return true for {@code ]}, false for {@code )} (always for an unbounded side)
     */
    public boolean upperInclusive() {
        return upperInclusive;
    }

    /**
     * Whether this is the empty range ({@link #empty(String)}).
     *
     * @return true for the empty range
     */
    public boolean isEmpty() {
        return empty;
    }

    @Override
    public void prepare(Connection conn) {
        this.conn = conn;
    }

    @Override
    public byte[] getQuoted() {
        if (empty) {
            return ("'empty'::" + typeName).getBytes(StandardCharsets.UTF_8);
        }
        String sql = typeName + "(" + bound(lower) + ", " + bound(upper) + ", '" + (lowerInclusive ? '[' : '(')
                + (upperInclusive ? ']' : ')') + "')";
        return sql.getBytes(StandardCharsets.UTF_8);
    }

    private String bound(T value) {
        SqlQuote q = Adapters.adapt(value);
        if (conn != null) q.prepare(conn);
        return new String(q.getQuoted(), StandardCharsets.UTF_8);
    }

    private static String inferType(Object lower, Object upper) {
        Object sample = lower != null ? lower : upper;
        return switch (sample) {
            case null -> throw new ProgrammingException(
                    "a range without bounds needs its type name: new Range<>(\"int4range\", null, null, ...)");
            case Integer i -> "int4range";
            case Short s -> "int4range";
            case Byte b -> "int4range";
            case Long l -> "int8range";
            case BigDecimal d -> "numrange";
            case BigInteger d -> "numrange";
            case Double d -> "numrange";
            case Float f -> "numrange";
            case LocalDate d -> "daterange";
            case LocalDateTime d -> "tsrange";
            case OffsetDateTime d -> "tstzrange";
            case ZonedDateTime d -> "tstzrange";
            case Instant d -> "tstzrange";
            default -> throw new ProgrammingException("no range type for bounds of type '"
                    + sample.getClass().getName() + "': name it, new Range<>(\"myrange\", lower, upper, ...)");
        };
    }

    /** The name goes into the SQL as it is, so it must be a plain (optionally schema-qualified) identifier. */
    private static String checkTypeName(String name) {
        boolean ok = !name.isEmpty();
        boolean partStart = true;
        for (int i = 0; i < name.length() && ok; i++) {
            char c = name.charAt(i);
            if (c == '.') {
                ok = !partStart;
                partStart = true;
            } else if (c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
                partStart = false;
            } else if (c >= '0' && c <= '9' || c == '$') {
                ok = !partStart;
            } else {
                ok = false;
            }
        }
        if (!ok || partStart) {
            throw new ProgrammingException("invalid range type name \"" + name
                    + "\": expected an identifier such as int4range or myschema.myrange");
        }
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Range<?> r && empty == r.empty && lowerInclusive == r.lowerInclusive
                && upperInclusive == r.upperInclusive && typeName.equals(r.typeName) && Objects.equals(lower, r.lower)
                && Objects.equals(upper, r.upper);
    }

    @Override
    public int hashCode() {
        return Objects.hash(typeName, lower, upper, lowerInclusive, upperInclusive, empty);
    }

    /** The range in the server's text form for these bounds, e.g. {@code [1,5)}, {@code (,)}, {@code empty}. */
    @Override
    public String toString() {
        if (empty) return "empty";
        return (lowerInclusive ? "[" : "(") + (lower == null ? "" : lower) + "," + (upper == null ? "" : upper)
                + (upperInclusive ? "]" : ")");
    }
}
