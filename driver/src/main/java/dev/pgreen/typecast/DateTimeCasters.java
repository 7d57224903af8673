package dev.pgreen.typecast;

import static dev.pgreen.typecast.BinaryResults.badBinary;
import static dev.pgreen.typecast.BinaryResults.int32;
import static dev.pgreen.typecast.BinaryResults.int64;
import static dev.pgreen.typecast.Text.is;

import dev.pgreen.errors.DataException;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Year;
import java.time.ZoneOffset;

/**
 * Parses the ISO DateStyle output of date, time, timetz, timestamp, timestamptz and the postgres IntervalStyle
 * output of interval, by hand and from the value's bytes: these sit on the hot path of every fetch and need no
 * regular expression and no intermediate String.
 */
final class DateTimeCasters {
    /** Whole quarter-hour offsets (all of today's zones but a few) without ZoneOffset's boxed-key map lookup. */
    private static final ZoneOffset[] QUARTER_HOURS = new ZoneOffset[18 * 4 * 2 + 1];

    private DateTimeCasters() {}

    /** A cursor over one value's bytes. */
    private static final class Scan {
        final byte[] b;
        final int start;
        final int end;
        int pos;

        Scan(byte[] b, int off, int len) {
            this.b = b;
            this.start = off;
            this.end = off + len;
            this.pos = off;
        }

        boolean more() {
            return pos < end;
        }

        int peek() {
            return pos < end ? b[pos] : -1;
        }

        DataException bad(String type) {
            return Text.bad(type, b, start, end - start);
        }

        int digits(int min, int max, String type) {
            int from = pos;
            int v = 0;
            while (pos < end && pos - from < max) {
                int d = b[pos] - '0';
                if (d < 0 || d > 9) break;
                v = v * 10 + d;
                pos++;
            }
            if (pos - from < min) throw bad(type);
            return v;
        }

        void expect(char c, String type) {
            if (peek() != c) throw bad(type);
            pos++;
        }

        /** Fraction of a second after '.', as nanoseconds. */
        int nanos(String type) {
            if (peek() != '.') return 0;
            pos++;
            int from = pos;
            int v = digits(1, 9, type);
            for (int i = pos - from; i < 9; i++) v *= 10;
            return v;
        }

        /** Whether the value ends with " BC". */
        boolean bc() {
            return end - start >= 3 && b[end - 3] == ' ' && b[end - 2] == 'B' && b[end - 1] == 'C';
        }

        /** Consumes the " BC" that ends a value of the era {@code bc}. */
        void era(boolean bc) {
            if (bc && pos == end - 3) pos = end;
        }
    }

    // ---- date ----

    static LocalDate date(String s) {
        byte[] b = Text.utf8(s);
        return date(b, 0, b.length);
    }

    static LocalDate date(byte[] b, int off, int len) {
        if (len == 10 && b[off + 4] == '-' && b[off + 7] == '-') {
            int year = d2(b, off) * 100 + d2(b, off + 2);
            int month = d2(b, off + 5);
            int day = d2(b, off + 8);
            if ((year | month | day) >= 0 && validDate(year, month, day)) return LocalDate.of(year, month, day);
        }
        if (is(b, off, len, "infinity")) return LocalDate.MAX;
        if (is(b, off, len, "-infinity")) return LocalDate.MIN;
        Scan sc = new Scan(b, off, len);
        boolean bc = sc.bc();
        LocalDate d = date(sc, bc, "date");
        sc.era(bc);
        if (sc.more()) throw sc.bad("date");
        return d;
    }

    /**
     * "2000-01-01 BC" is proleptic year -1999: there is no year zero in SQL. The era is
     * known before the date is built, as 29 February exists in 1 BC and 5 BC but not in 1 and 5.
     */
    private static LocalDate date(Scan sc, boolean bc, String type) {
        int year = sc.digits(4, 9, type);
        sc.expect('-', type);
        int month = sc.digits(2, 2, type);
        sc.expect('-', type);
        int day = sc.digits(2, 2, type);
        if (year == 0) throw sc.bad(type);
        try {
            return LocalDate.of(bc ? 1 - year : year, month, day);
        } catch (DateTimeException e) {
            throw sc.bad(type);
        }
    }

    // ---- time, timetz ----

    private static LocalTime time(Scan sc, String type) {
        int h = sc.digits(2, 2, type);
        sc.expect(':', type);
        int m = sc.digits(2, 2, type);
        sc.expect(':', type);
        int sec = sc.digits(2, 2, type);
        int nanos = sc.nanos(type);
        // 24:00:00 is a valid PostgreSQL time; Java's LocalTime stops just before it.
        if (h == 24 && m == 0 && sec == 0 && nanos == 0) return LocalTime.MAX;
        if (h > 23 || m > 59 || sec > 59) throw sc.bad(type);
        return LocalTime.of(h, m, sec, nanos);
    }

    private static ZoneOffset offset(Scan sc, String type) {
        int sign = sc.peek();
        if (sign != '+' && sign != '-') throw sc.bad(type);
        sc.pos++;
        int h = sc.digits(2, 2, type);
        int m = 0;
        int sec = 0;
        if (sc.peek() == ':') {
            sc.pos++;
            m = sc.digits(2, 2, type);
            if (sc.peek() == ':') {
                sc.pos++;
                sec = sc.digits(2, 2, type);
            }
        }
        if (m > 59 || sec > 59 || h > 18) throw sc.bad(type);
        int total = h * 3600 + m * 60 + sec;
        if (total > 18 * 3600) throw sc.bad(type);
        return zone(sign == '-' ? -total : total);
    }

    static LocalTime time(String s) {
        byte[] b = Text.utf8(s);
        return time(b, 0, b.length);
    }

    static LocalTime time(byte[] b, int off, int len) {
        Scan sc = new Scan(b, off, len);
        LocalTime t = time(sc, "time");
        if (sc.more()) throw sc.bad("time");
        return t;
    }

    static OffsetTime timetz(String s) {
        byte[] b = Text.utf8(s);
        return timetz(b, 0, b.length);
    }

    static OffsetTime timetz(byte[] b, int off, int len) {
        Scan sc = new Scan(b, off, len);
        LocalTime t = time(sc, "timetz");
        ZoneOffset z = offset(sc, "timetz");
        if (sc.more()) throw sc.bad("timetz");
        return OffsetTime.of(t, z);
    }

    // ---- timestamp, timestamptz ----

    static LocalDateTime timestamp(String s) {
        byte[] b = Text.utf8(s);
        return timestamp(b, 0, b.length);
    }

    static LocalDateTime timestamp(byte[] b, int off, int len) {
        if (dateTimeEnd(b, off, off + len) == off + len) {
            LocalDateTime fast = fastDateTime(b, off, off + len);
            if (fast != null) return fast;
        }
        if (is(b, off, len, "infinity")) return LocalDateTime.MAX;
        if (is(b, off, len, "-infinity")) return LocalDateTime.MIN;
        Scan sc = new Scan(b, off, len);
        boolean bc = sc.bc();
        LocalDate d = date(sc, bc, "timestamp");
        sc.expect(' ', "timestamp");
        LocalDateTime dt = dateTime(d, time(sc, "timestamp"));
        sc.era(bc);
        if (sc.more()) throw sc.bad("timestamp");
        return dt;
    }

    static OffsetDateTime timestamptz(String s) {
        byte[] b = Text.utf8(s);
        return timestamptz(b, 0, b.length);
    }

    /** At the offset the server wrote, which is the session's TimeZone at that instant. */
    static OffsetDateTime timestamptz(byte[] b, int off, int len) {
        OffsetDateTime fast = fastTimestamptz(b, off, len);
        return fast != null ? fast : slowTimestamptz(b, off, len);
    }

    /**
     * The shape nearly every value has, "YYYY-MM-DD HH:MM:SS[.ffffff]+HH[:MM[:SS]]", read at fixed positions
     * with nothing allocated but the result; null for anything else (BC, 24:00:00, five-digit years, errors),
     * which the general parser then reads or rejects.
     */
    private static OffsetDateTime fastTimestamptz(byte[] b, int off, int len) {
        int end = off + len;
        int dateTimeEnd = dateTimeEnd(b, off, end);
        int p = dateTimeEnd;
        if (p < 0 || end - p < 3) return null;
        int sign = b[p];
        if (sign != '+' && sign != '-') return null;
        int hours = d2(b, p + 1);
        int minutes = 0;
        int seconds = 0;
        p += 3;
        if (end - p >= 3 && b[p] == ':') {
            minutes = d2(b, p + 1);
            p += 3;
            if (end - p >= 3 && b[p] == ':') {
                seconds = d2(b, p + 1);
                p += 3;
            }
        }
        int total = hours * 3600 + minutes * 60 + seconds;
        if (p != end || (hours | minutes | seconds) < 0 || minutes > 59 || seconds > 59 || total > 18 * 3600) {
            return null;
        }
        LocalDateTime dt = fastDateTime(b, off, dateTimeEnd);
        return dt == null ? null : OffsetDateTime.of(dt, zone(sign == '-' ? -total : total));
    }

    /** Where "YYYY-MM-DD HH:MM:SS[.fffffffff]" at off ends, or -1 when the value does not start that way. */
    private static int dateTimeEnd(byte[] b, int off, int end) {
        if (end - off < 19 || b[off + 4] != '-' || b[off + 7] != '-' || b[off + 10] != ' ' || b[off + 13] != ':'
                || b[off + 16] != ':') {
            return -1;
        }
        int p = off + 19;
        if (p < end && b[p] == '.') {
            int from = ++p;
            while (p < end && p - from < 9 && b[p] >= '0' && b[p] <= '9') p++;
            if (p == from) return -1;
        }
        return p;
    }

    /** The date and time of b[off, to), which dateTimeEnd delimited; null when a field is bad or out of range. */
    private static LocalDateTime fastDateTime(byte[] b, int off, int to) {
        int year = d2(b, off) * 100 + d2(b, off + 2);
        int month = d2(b, off + 5);
        int day = d2(b, off + 8);
        int hour = d2(b, off + 11);
        int minute = d2(b, off + 14);
        int second = d2(b, off + 17);
        int nanos = 0;
        int digits = 0;
        for (int i = off + 20; i < to; i++, digits++) nanos = nanos * 10 + (b[i] - '0');
        for (; digits < 9; digits++) nanos *= 10;
        // A bad digit made some field negative; the ranges rule out the rest, so of() cannot throw.
        if ((year | month | day | hour | minute | second) < 0 || !validDate(year, month, day) || hour > 23
                || minute > 59 || second > 59) {
            return null;
        }
        return LocalDateTime.of(year, month, day, hour, minute, second, nanos);
    }

    private static boolean validDate(int year, int month, int day) {
        // No year zero in SQL: the year before 0001 is 0001 BC, which the general parser reads.
        return year >= 1 && month >= 1 && month <= 12 && day >= 1
                && (day <= 28 || day <= Month.of(month).length(Year.isLeap(year)));
    }

    /**
     * Two ASCII digits at b[i], or a negative number when either is not a digit: negative enough that a year
     * made of two of them ({@code d2 * 100 + d2}) is negative too.
     */
    private static int d2(byte[] b, int i) {
        int h = b[i] - '0';
        int l = b[i + 1] - '0';
        if (h < 0 || h > 9 || l < 0 || l > 9) return -100_000;
        return h * 10 + l;
    }

    private static ZoneOffset zone(int total) {
        if (total % 900 != 0) return ZoneOffset.ofTotalSeconds(total);
        int i = total / 900 + 72;
        ZoneOffset z = QUARTER_HOURS[i];
        if (z == null) {
            z = ZoneOffset.ofTotalSeconds(total); // a benign race: any thread stores an equal value
            QUARTER_HOURS[i] = z;
        }
        return z;
    }

    private static OffsetDateTime slowTimestamptz(byte[] b, int off, int len) {
        if (is(b, off, len, "infinity")) return OffsetDateTime.MAX;
        if (is(b, off, len, "-infinity")) return OffsetDateTime.MIN;
        Scan sc = new Scan(b, off, len);
        boolean bc = sc.bc();
        LocalDate d = date(sc, bc, "timestamptz");
        sc.expect(' ', "timestamptz");
        LocalDateTime dt = dateTime(d, time(sc, "timestamptz"));
        ZoneOffset z = offset(sc, "timestamptz");
        sc.era(bc);
        if (sc.more()) throw sc.bad("timestamptz");
        return OffsetDateTime.of(dt, z);
    }

    private static LocalDateTime dateTime(LocalDate d, LocalTime t) {
        // LocalTime.MAX stands for 24:00:00, which is midnight of the next day.
        return t == LocalTime.MAX ? d.plusDays(1).atStartOfDay() : LocalDateTime.of(d, t);
    }

    // ---- date, timestamp, timestamptz in the binary format ----

    /** 2000-01-01, PostgreSQL's day 0, as Java's epoch day. */
    private static final long PG_EPOCH_DAY = 10_957;
    private static final long MICROS_PER_DAY = 86_400_000_000L;

    /** date_send: days since 2000-01-01, the int's extremes standing for -infinity and infinity. */
    static LocalDate dateBinary(byte[] b, int off, int len) {
        if (len != 4) throw badBinary("date", len);
        int days = int32(b, off);
        if (days == Integer.MAX_VALUE) return LocalDate.MAX;
        if (days == Integer.MIN_VALUE) return LocalDate.MIN;
        return LocalDate.ofEpochDay(PG_EPOCH_DAY + days);
    }

    /** timestamp_send: microseconds since 2000-01-01 00:00, the long's extremes standing for ±infinity. */
    static LocalDateTime timestampBinary(byte[] b, int off, int len) {
        if (len != 8) throw badBinary("timestamp", len);
        long micros = int64(b, off);
        if (micros == Long.MAX_VALUE) return LocalDateTime.MAX;
        if (micros == Long.MIN_VALUE) return LocalDateTime.MIN;
        return localDateTime(micros);
    }

    /**
     * timestamptz_send, microseconds since 2000-01-01 00:00 UTC, for a session whose TimeZone is UTC: the
     * value the text gives there, whose offset is always +00.
     */
    static OffsetDateTime timestamptzUtcBinary(byte[] b, int off, int len) {
        if (len != 8) throw badBinary("timestamptz", len);
        long micros = int64(b, off);
        if (micros == Long.MAX_VALUE) return OffsetDateTime.MAX;
        if (micros == Long.MIN_VALUE) return OffsetDateTime.MIN;
        return OffsetDateTime.of(localDateTime(micros), ZoneOffset.UTC);
    }

    private static LocalDateTime localDateTime(long micros) {
        long days = Math.floorDiv(micros, MICROS_PER_DAY);
        long ofDay = Math.floorMod(micros, MICROS_PER_DAY);
        return LocalDateTime.of(LocalDate.ofEpochDay(PG_EPOCH_DAY + days), LocalTime.ofNanoOfDay(ofDay * 1000));
    }

    // ---- interval ----

    static Duration interval(String s) {
        byte[] b = Text.utf8(s);
        return interval(b, 0, b.length);
    }

    /**
     * The postgres IntervalStyle, e.g. "1 year 2 mons -3 days +04:05:06.5".
     * Months count 30 days and years 365, as psycopg2 does.
     */
    static Duration interval(byte[] b, int off, int len) {
        Scan sc = new Scan(b, off, len);
        try {
            return interval(sc);
        } catch (ArithmeticException e) {
            throw sc.bad("interval");
        }
    }

    private static Duration interval(Scan sc) {
        long seconds = 0;
        long nanos = 0;
        boolean empty = true;
        while (sc.more()) {
            if (sc.peek() == ' ') {
                sc.pos++;
                continue;
            }
            boolean negative = sc.peek() == '-';
            if (negative || sc.peek() == '+') sc.pos++;
            int numberStart = sc.pos;
            long n = 0;
            for (int d; sc.more() && (d = sc.peek() - '0') >= 0 && d <= 9; sc.pos++) {
                n = Math.addExact(Math.multiplyExact(n, 10), d);
            }
            if (sc.pos == numberStart) throw sc.bad("interval");
            empty = false;
            if (sc.peek() == ':') {
                // The time part: hours may exceed 24 (e.g. "100:00:00").
                sc.pos++;
                int m = sc.digits(2, 2, "interval");
                sc.expect(':', "interval");
                int sec = sc.digits(2, 2, "interval");
                int frac = sc.nanos("interval");
                long t = Math.addExact(Math.multiplyExact(n, 3600), m * 60L + sec);
                seconds = Math.addExact(seconds, negative ? -t : t);
                nanos += negative ? -frac : frac;
                continue;
            }
            sc.expect(' ', "interval");
            int unitStart = sc.pos;
            while (sc.more() && ((sc.peek() | 0x20) >= 'a' && (sc.peek() | 0x20) <= 'z')) sc.pos++;
            int unitLen = sc.pos - unitStart;
            long perUnit;
            if (is(sc.b, unitStart, unitLen, "day") || is(sc.b, unitStart, unitLen, "days")) {
                perUnit = 86400;
            } else if (is(sc.b, unitStart, unitLen, "mon") || is(sc.b, unitStart, unitLen, "mons")) {
                perUnit = 30L * 86400;
            } else if (is(sc.b, unitStart, unitLen, "year") || is(sc.b, unitStart, unitLen, "years")) {
                perUnit = 365L * 86400;
            } else {
                throw sc.bad("interval");
            }
            seconds = Math.addExact(seconds, Math.multiplyExact(negative ? -n : n, perUnit));
        }
        if (empty) throw sc.bad("interval");
        return Duration.ofSeconds(seconds, nanos);
    }
}
