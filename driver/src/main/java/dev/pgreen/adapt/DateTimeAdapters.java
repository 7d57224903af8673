package dev.pgreen.adapt;

import dev.pgreen.errors.DataException;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.Temporal;

/**
 * java.time values as typed literals the server reads back into the same Java type:
 * <ul>
 * <li>LocalDate → {@code '2024-01-02'::date}; LocalTime → {@code '04:05:06.5'::time};
 *     OffsetTime → {@code '04:05:06+05:30'::timetz}; LocalDateTime → {@code '2024-01-02 04:05:06'::timestamp};
 * <li>OffsetDateTime, ZonedDateTime (their offset at that instant) and Instant (UTC) →
 *     {@code '2024-01-02 04:05:06+05:30'::timestamptz};
 * <li>years before 1 in the SQL way: Java's year 0 is {@code 0001 BC}, year -43 is {@code 0044 BC};
 * <li>{@code LocalDate.MAX}/{@code MIN}, {@code LocalDateTime.MAX}/{@code MIN}, {@code OffsetDateTime.MAX}/{@code MIN}
 *     and {@code Instant.MAX}/{@code MIN} → {@code 'infinity'} / {@code '-infinity'}, which read back as MAX/MIN;
 * <li>Duration → {@code '90061.000005 seconds'::interval}: exact, in the interval's time field (no days, which
 *     a daylight-saving change would stretch); Period → {@code '1 years 2 mons 3 days'::interval}.
 * </ul>
 * Fractions of a second are written to the nanosecond; the server rounds them to microseconds.
 */
final class DateTimeAdapters {
    private DateTimeAdapters() {}

    static AsIs date(LocalDate d) {
        if (d.equals(LocalDate.MAX)) return new AsIs("'infinity'::date");
        if (d.equals(LocalDate.MIN)) return new AsIs("'-infinity'::date");
        StringBuilder sb = new StringBuilder(24).append('\'');
        appendDate(sb, d);
        era(sb, d.getYear());
        return new AsIs(sb.append("'::date").toString());
    }

    static AsIs time(LocalTime t) {
        StringBuilder sb = new StringBuilder(24).append('\'');
        appendTime(sb, t);
        return new AsIs(sb.append("'::time").toString());
    }

    static AsIs timetz(OffsetTime t) {
        StringBuilder sb = new StringBuilder(32).append('\'');
        appendTime(sb, t.toLocalTime());
        appendOffset(sb, t.getOffset());
        return new AsIs(sb.append("'::timetz").toString());
    }

    static AsIs timestamp(LocalDateTime dt) {
        if (dt.equals(LocalDateTime.MAX)) return new AsIs("'infinity'::timestamp");
        if (dt.equals(LocalDateTime.MIN)) return new AsIs("'-infinity'::timestamp");
        StringBuilder sb = new StringBuilder(40).append('\'');
        appendDate(sb, dt.toLocalDate());
        sb.append(' ');
        appendTime(sb, dt.toLocalTime());
        era(sb, dt.getYear());
        return new AsIs(sb.append("'::timestamp").toString());
    }

    static AsIs timestamptz(Temporal value) {
        OffsetDateTime odt;
        switch (value) {
            case OffsetDateTime o -> {
                if (o.equals(OffsetDateTime.MAX)) return new AsIs("'infinity'::timestamptz");
                if (o.equals(OffsetDateTime.MIN)) return new AsIs("'-infinity'::timestamptz");
                odt = o;
            }
            case ZonedDateTime z -> odt = z.toOffsetDateTime();
            case Instant i -> {
                if (i.equals(Instant.MAX)) return new AsIs("'infinity'::timestamptz");
                if (i.equals(Instant.MIN)) return new AsIs("'-infinity'::timestamptz");
                try {
                    odt = i.atOffset(ZoneOffset.UTC);
                } catch (DateTimeException e) {
                    throw new DataException("timestamp out of range: " + i, e);
                }
            }
            default -> throw new IllegalArgumentException("not a timestamptz: " + value.getClass().getName());
        }
        if (Math.abs(odt.getOffset().getTotalSeconds()) >= 16 * 3600) {
            // Java's offsets reach ±18:00, the server's input stops at ±15:59:59; the instant is what counts.
            odt = odt.withOffsetSameInstant(ZoneOffset.UTC);
        }
        StringBuilder sb = new StringBuilder(48).append('\'');
        appendDate(sb, odt.toLocalDate());
        sb.append(' ');
        appendTime(sb, odt.toLocalTime());
        appendOffset(sb, odt.getOffset());
        era(sb, odt.getYear());
        return new AsIs(sb.append("'::timestamptz").toString());
    }

    static AsIs interval(Duration d) {
        StringBuilder sb = new StringBuilder(40).append('\'');
        long seconds = d.getSeconds();
        int nanos = d.getNano();
        if (seconds < 0 && nanos > 0) {
            // Duration keeps the nanos positive: -0.5 s is -1 s + 500000000 ns.
            sb.append('-');
            seconds = -(seconds + 1);
            nanos = 1_000_000_000 - nanos;
        } else if (seconds < 0) {
            sb.append('-');
        }
        sb.append(seconds == Long.MIN_VALUE ? "9223372036854775808" : Long.toString(Math.abs(seconds)));
        appendFraction(sb, nanos);
        return new AsIs(sb.append(" seconds'::interval").toString());
    }

    static AsIs interval(Period p) {
        return new AsIs("'" + p.getYears() + " years " + p.getMonths() + " mons " + p.getDays() + " days'::interval");
    }

    // ---- pieces ----

    /** The date in ISO form with the SQL year: no year zero, so Java's 0 is 1 BC (the era goes at the end). */
    private static void appendDate(StringBuilder sb, LocalDate d) {
        int year = d.getYear();
        pad(sb, year > 0 ? year : 1 - year, 4);
        sb.append('-');
        pad(sb, d.getMonthValue(), 2);
        sb.append('-');
        pad(sb, d.getDayOfMonth(), 2);
    }

    private static void era(StringBuilder sb, int year) {
        if (year <= 0) sb.append(" BC");
    }

    private static void appendTime(StringBuilder sb, LocalTime t) {
        pad(sb, t.getHour(), 2);
        sb.append(':');
        pad(sb, t.getMinute(), 2);
        sb.append(':');
        pad(sb, t.getSecond(), 2);
        appendFraction(sb, t.getNano());
    }

    /** ".5" for 500000000 ns, nothing for 0. */
    private static void appendFraction(StringBuilder sb, int nanos) {
        if (nanos == 0) return;
        int digits = 9;
        while (nanos % 10 == 0) {
            nanos /= 10;
            digits--;
        }
        sb.append('.');
        pad(sb, nanos, digits);
    }

    private static void appendOffset(StringBuilder sb, ZoneOffset z) {
        int total = z.getTotalSeconds();
        sb.append(total < 0 ? '-' : '+');
        total = Math.abs(total);
        pad(sb, total / 3600, 2);
        sb.append(':');
        pad(sb, total / 60 % 60, 2);
        if (total % 60 != 0) {
            sb.append(':');
            pad(sb, total % 60, 2);
        }
    }

    private static void pad(StringBuilder sb, long v, int width) {
        String s = Long.toString(v);
        for (int i = s.length(); i < width; i++) sb.append('0');
        sb.append(s);
    }
}
