package dev.pgreen.adapt;

import dev.pgreen.errors.DataException;
import dev.pgreen.errors.ProgrammingException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.ZonedDateTime;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Java values as the text of server-side parameters (the extended protocol's
 * Bind), for prepared statements: the server's input functions read them, so
 * no quoting is involved and nothing a value holds can change the statement.
 */
public final class ServerParameters {
    private ServerParameters() {}

    /**
     * Whether {@link #encode} takes {@code v}: null, booleans, numbers, text, bytes, UUIDs, java.time values,
     * typed text.
     *
     * @param v the value
     * @return true when it can be sent as a parameter
     */
    public static boolean canEncode(Object v) {
        return switch (v) {
            case null -> true;
            case String s -> true;
            case Character c -> true;
            case Boolean b -> true;
            case Integer i -> true;
            case Long l -> true;
            case Short s -> true;
            case Byte b -> true;
            case BigInteger b -> true;
            case BigDecimal d -> true;
            case Double d -> true;
            case Float f -> true;
            case byte[] b -> true;
            case UUID u -> true;
            case java.time.temporal.Temporal t -> t instanceof LocalDate || t instanceof LocalDateTime
                    || t instanceof OffsetDateTime || t instanceof ZonedDateTime || t instanceof Instant
                    || t instanceof LocalTime || t instanceof OffsetTime;
            case Duration d -> true;
            case Period p -> true;
            case TypedText t -> true;
            default -> false;
        };
    }

    /**
     * The parameter's text, as the server's input function for its type reads it.
     *
     * @param v the value
     * @return the text in UTF-8, or null for SQL NULL
     * @throws ProgrammingException if the value's type cannot be sent ({@link #canEncode} is false)
     * @throws DataException if a string has a NUL character
     */
    public static byte[] encode(Object v) {
        // Integers are written as digits straight into bytes, no String in between: every point select binds one.
        return switch (v) {
            case Integer i -> digits(i);
            case Long l -> digits(l);
            case Short s -> digits(s);
            case Byte b -> digits(b);
            case null, default -> {
                String text = text(v);
                yield text == null ? null : text.getBytes(StandardCharsets.UTF_8);
            }
        };
    }

    private static byte[] digits(long v) {
        if (v == Long.MIN_VALUE) {
            return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
        }
        long rest = Math.abs(v);
        int length = v < 0 ? 2 : 1;
        for (long x = rest; x >= 10; x /= 10) {
            length++;
        }
        byte[] b = new byte[length];
        for (int i = length - 1; i >= 0; i--) {
            b[i] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        if (v < 0) {
            b[0] = '-';
        }
        return b;
    }

    private static String text(Object v) {
        return switch (v) {
            case null -> null;
            case String s -> checkNul(s);
            case Character c -> checkNul(c.toString());
            case Boolean b -> b ? "t" : "f";
            case Integer i -> i.toString();
            case Long l -> l.toString();
            case Short s -> s.toString();
            case Byte b -> b.toString();
            case BigInteger b -> b.toString();
            case BigDecimal d -> d.toString();
            case Double d -> floating(d);
            case Float f -> floating(f.doubleValue());
            case byte[] b -> "\\x" + HexFormat.of().formatHex(b);
            case UUID u -> u.toString();
            case LocalDate d -> d.equals(LocalDate.MAX) ? "infinity" : d.equals(LocalDate.MIN) ? "-infinity" : bc(d.getYear(), d.toString(), d.withYear(1 - d.getYear()).toString());
            case LocalDateTime t -> t.equals(LocalDateTime.MAX) ? "infinity" : t.equals(LocalDateTime.MIN) ? "-infinity" : bc(t.getYear(), t.toString(), t.withYear(1 - t.getYear()).toString());
            case OffsetDateTime t -> t.equals(OffsetDateTime.MAX) ? "infinity" : t.equals(OffsetDateTime.MIN) ? "-infinity" : bc(t.getYear(), t.toString(), t.withYear(1 - t.getYear()).toString());
            case ZonedDateTime t -> text(t.toOffsetDateTime());
            case Instant i -> text(OffsetDateTime.ofInstant(i, java.time.ZoneOffset.UTC));
            case LocalTime t -> t.toString();
            case OffsetTime t -> t.toString();
            case Duration d -> d.toString();
            case Period p -> p.toString();
            case TypedText t -> text(t.value());
            default -> throw new ProgrammingException("can't send type '" + v.getClass().getName()
                    + "' as a server-side parameter: use execute(), which adapts it client-side");
        };
    }

    /** PostgreSQL writes years before 1 as "YYYY-MM-DD BC", where Java's year 0 is 1 BC. */
    private static String bc(int year, String iso, String isoOfBcYear) {
        return year >= 1 ? iso : isoOfBcYear + " BC";
    }

    private static String floating(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
        return Double.toString(d);
    }

    private static String checkNul(String s) {
        if (s.indexOf('\0') >= 0) {
            throw new DataException("a string parameter cannot contain NUL (0x00) characters: "
                    + "PostgreSQL text cannot hold them");
        }
        return s;
    }
}
