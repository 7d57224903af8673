package dev.pgreen.typecast;

import dev.pgreen.errors.DataException;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;

/**
 * Parses the ISO DateStyle output of date, time, timetz, timestamp, timestamptz
 * and the postgres IntervalStyle output of interval, by hand: these sit on the
 * hot path of every fetch and need no regular expressions.
 */
final class DateTimeCasters {
    private DateTimeCasters() {}

    /** A cursor over one value's characters. */
    private static final class Scan {
        final String s;
        int pos;

        Scan(String s) {
            this.s = s;
        }

        boolean more() {
            return pos < s.length();
        }

        char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        DataException bad(String type) {
            return new DataException("invalid " + type + " value from the server: \"" + s + "\"");
        }

        int digits(int min, int max, String type) {
            int start = pos;
            int v = 0;
            while (pos < s.length() && pos - start < max) {
                char c = s.charAt(pos);
                if (c < '0' || c > '9') break;
                v = v * 10 + (c - '0');
                pos++;
            }
            if (pos - start < min) throw bad(type);
            return v;
        }

        void expect(char c, String type) {
            if (peek() != c) throw bad(type);
            pos++;
        }

        /** Fraction of a second after '.', as nanoseconds. */
        int nanos() {
            if (peek() != '.') return 0;
            pos++;
            int start = pos;
            int v = digits(1, 9, "time");
            for (int i = pos - start; i < 9; i++) v *= 10;
            return v;
        }
    }

    static LocalDate date(String s) {
        if (s.equals("infinity")) return LocalDate.MAX;
        if (s.equals("-infinity")) return LocalDate.MIN;
        Scan sc = new Scan(s);
        boolean bc = s.endsWith(" BC");
        LocalDate d = date(sc, bc, "date");
        era(sc, bc);
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
        try {
            return LocalDate.of(bc ? 1 - year : year, month, day);
        } catch (DateTimeException e) {
            throw sc.bad(type);
        }
    }

    /** Consumes the " BC" that ends a value of the era {@code bc}. */
    private static void era(Scan sc, boolean bc) {
        if (bc && sc.s.startsWith(" BC", sc.pos)) {
            sc.pos += 3;
        }
    }

    private static LocalTime time(Scan sc) {
        int h = sc.digits(2, 2, "time");
        sc.expect(':', "time");
        int m = sc.digits(2, 2, "time");
        sc.expect(':', "time");
        int sec = sc.digits(2, 2, "time");
        int nanos = sc.nanos();
        // 24:00:00 is a valid PostgreSQL time; Java's LocalTime stops just before it.
        if (h == 24 && m == 0 && sec == 0 && nanos == 0) return LocalTime.MAX;
        try {
            return LocalTime.of(h, m, sec, nanos);
        } catch (DateTimeException e) {
            throw sc.bad("time");
        }
    }

    private static ZoneOffset offset(Scan sc, String type) {
        char sign = sc.peek();
        if (sign != '+' && sign != '-') throw sc.bad(type);
        sc.pos++;
        int h = sc.digits(2, 2, type);
        int m = 0, sec = 0;
        if (sc.peek() == ':') {
            sc.pos++;
            m = sc.digits(2, 2, type);
            if (sc.peek() == ':') {
                sc.pos++;
                sec = sc.digits(2, 2, type);
            }
        }
        if (m > 59 || sec > 59) throw sc.bad(type);
        int total = h * 3600 + m * 60 + sec;
        try {
            return ZoneOffset.ofTotalSeconds(sign == '-' ? -total : total);
        } catch (DateTimeException e) {
            throw sc.bad(type);
        }
    }

    static LocalTime time(String s) {
        Scan sc = new Scan(s);
        LocalTime t = time(sc);
        if (sc.more()) throw sc.bad("time");
        return t;
    }

    static OffsetTime timetz(String s) {
        Scan sc = new Scan(s);
        LocalTime t = time(sc);
        ZoneOffset z = offset(sc, "timetz");
        if (sc.more()) throw sc.bad("timetz");
        return OffsetTime.of(t, z);
    }

    static LocalDateTime timestamp(String s) {
        if (s.equals("infinity")) return LocalDateTime.MAX;
        if (s.equals("-infinity")) return LocalDateTime.MIN;
        Scan sc = new Scan(s);
        boolean bc = s.endsWith(" BC");
        LocalDate d = date(sc, bc, "timestamp");
        sc.expect(' ', "timestamp");
        LocalDateTime dt = dateTime(d, time(sc));
        era(sc, bc);
        if (sc.more()) throw sc.bad("timestamp");
        return dt;
    }

    static OffsetDateTime timestamptz(String s) {
        if (s.equals("infinity")) return OffsetDateTime.MAX;
        if (s.equals("-infinity")) return OffsetDateTime.MIN;
        Scan sc = new Scan(s);
        boolean bc = s.endsWith(" BC");
        LocalDate d = date(sc, bc, "timestamptz");
        sc.expect(' ', "timestamptz");
        LocalDateTime dt = dateTime(d, time(sc));
        ZoneOffset z = offset(sc, "timestamptz");
        era(sc, bc);
        if (sc.more()) throw sc.bad("timestamptz");
        return OffsetDateTime.of(dt, z);
    }

    private static LocalDateTime dateTime(LocalDate d, LocalTime t) {
        // LocalTime.MAX stands for 24:00:00, which is midnight of the next day.
        return t == LocalTime.MAX ? d.plusDays(1).atStartOfDay() : LocalDateTime.of(d, t);
    }

    /**
     * The postgres IntervalStyle, e.g. "1 year 2 mons -3 days +04:05:06.5".
     * Months count 30 days and years 365, as psycopg2 does.
     */
    static Duration interval(String s) {
        Scan sc = new Scan(s);
        try {
            return interval(sc);
        } catch (ArithmeticException e) {
            throw sc.bad("interval");
        }
    }

    private static Duration interval(Scan sc) {
        String s = sc.s;
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
            while (sc.more() && Character.isDigit(sc.peek())) {
                n = Math.addExact(Math.multiplyExact(n, 10), sc.peek() - '0');
                sc.pos++;
            }
            if (sc.pos == numberStart) throw sc.bad("interval");
            empty = false;
            if (sc.peek() == ':') {
                // The time part: hours may exceed 24 (e.g. "100:00:00").
                sc.pos++;
                int m = sc.digits(2, 2, "interval");
                sc.expect(':', "interval");
                int sec = sc.digits(2, 2, "interval");
                int frac = sc.nanos();
                long t = Math.addExact(Math.multiplyExact(n, 3600), m * 60L + sec);
                seconds = Math.addExact(seconds, negative ? -t : t);
                nanos += negative ? -frac : frac;
                continue;
            }
            sc.expect(' ', "interval");
            int unitStart = sc.pos;
            while (sc.more() && Character.isLetter(sc.peek())) sc.pos++;
            String unit = s.substring(unitStart, sc.pos);
            long perUnit = switch (unit) {
                case "year", "years" -> 365L * 86400;
                case "mon", "mons" -> 30L * 86400;
                case "day", "days" -> 86400;
                default -> throw sc.bad("interval");
            };
            seconds = Math.addExact(seconds, Math.multiplyExact(negative ? -n : n, perUnit));
        }
        if (empty) throw sc.bad("interval");
        return Duration.ofSeconds(seconds, nanos);
    }
}
