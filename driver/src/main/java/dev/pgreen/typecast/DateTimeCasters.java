package dev.pgreen.typecast;

import dev.pgreen.errors.DataException;

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
        LocalDate d = date(sc);
        d = era(sc, d);
        if (sc.more()) throw sc.bad("date");
        return d;
    }

    private static LocalDate date(Scan sc) {
        int year = sc.digits(4, 9, "date");
        sc.expect('-', "date");
        int month = sc.digits(2, 2, "date");
        sc.expect('-', "date");
        int day = sc.digits(2, 2, "date");
        return LocalDate.of(year, month, day);
    }

    /** "2000-01-01 BC" is proleptic year -1999: there is no year zero in SQL. */
    private static LocalDate era(Scan sc, LocalDate d) {
        if (sc.s.startsWith(" BC", sc.pos)) {
            sc.pos += 3;
            return d.withYear(1 - d.getYear());
        }
        return d;
    }

    private static LocalTime time(Scan sc) {
        int h = sc.digits(2, 2, "time");
        sc.expect(':', "time");
        int m = sc.digits(2, 2, "time");
        sc.expect(':', "time");
        int sec = sc.digits(2, 2, "time");
        int nanos = sc.nanos();
        // 24:00:00 is a valid PostgreSQL time; Java's LocalTime stops just before it.
        return h == 24 ? LocalTime.MAX : LocalTime.of(h, m, sec, nanos);
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
        int total = h * 3600 + m * 60 + sec;
        return ZoneOffset.ofTotalSeconds(sign == '-' ? -total : total);
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
        LocalDate d = date(sc);
        sc.expect(' ', "timestamp");
        LocalDateTime dt = dateTime(d, time(sc));
        if (sc.s.startsWith(" BC", sc.pos)) {
            sc.pos += 3;
            dt = dt.withYear(1 - dt.getYear());
        }
        if (sc.more()) throw sc.bad("timestamp");
        return dt;
    }

    static OffsetDateTime timestamptz(String s) {
        if (s.equals("infinity")) return OffsetDateTime.MAX;
        if (s.equals("-infinity")) return OffsetDateTime.MIN;
        Scan sc = new Scan(s);
        LocalDate d = date(sc);
        sc.expect(' ', "timestamptz");
        LocalDateTime dt = dateTime(d, time(sc));
        ZoneOffset z = offset(sc, "timestamptz");
        if (sc.s.startsWith(" BC", sc.pos)) {
            sc.pos += 3;
            dt = dt.withYear(1 - dt.getYear());
        }
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
        long seconds = 0;
        long nanos = 0;
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
            if (sc.peek() == ':') {
                // The time part: hours may exceed 24 (e.g. "100:00:00").
                sc.pos++;
                int m = sc.digits(2, 2, "interval");
                sc.expect(':', "interval");
                int sec = sc.digits(2, 2, "interval");
                int frac = sc.nanos();
                long t = n * 3600 + m * 60L + sec;
                seconds += negative ? -t : t;
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
            seconds += (negative ? -n : n) * perUnit;
        }
        return Duration.ofSeconds(seconds, nanos);
    }
}
