package dev.pgreen.jdbc;

import dev.pgreen.adapt.ServerParameters;
import dev.pgreen.errors.PgException;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Calendar;
import java.util.HexFormat;
import java.util.List;

/**
 * The parameters of one statement execution: a value and a declared type OID per placeholder, sent as
 * text (the server's input functions read them; no quoting, nothing a value holds can change the SQL).
 */
final class Parameters {
    private Object[] values;
    private int[] types;
    private boolean[] set;
    /** A copy of {@link #types} handed out, until a type changes: the same types are not copied per execution. */
    private int[] typesShared;

    Parameters(int count) {
        values = new Object[count];
        types = new int[count];
        set = new boolean[count];
    }

    int count() {
        return values.length;
    }

    void set(int index, Object value, int oid) throws SQLException {
        if (index < 1 || index > values.length) {
            throw new SQLException("parameter index " + index + " is out of range: the statement has "
                    + values.length + " parameter(s)", "22023");
        }
        values[index - 1] = value;
        if (types[index - 1] != oid) {
            types[index - 1] = oid;
            typesShared = null;
        }
        set[index - 1] = true;
    }

    Object value(int index) {
        return values[index - 1];
    }

    int type(int index) {
        return types[index - 1];
    }

    boolean isSet(int index) {
        return set[index - 1];
    }

    void clear() {
        values = new Object[values.length];
        types = new int[types.length];
        set = new boolean[set.length];
        typesShared = null;
    }

    Parameters copy() {
        Parameters p = new Parameters(0);
        p.values = values.clone();
        p.types = types.clone();
        p.set = set.clone();
        return p;
    }

    /** The declared type OIDs; the caller must not change the array (it is shared until a type changes). */
    int[] types() {
        if (typesShared == null) {
            typesShared = types.clone();
        }
        return typesShared;
    }

    /** Every parameter as the UTF-8 text the server reads; raises when one was never set. */
    byte[][] encode() throws SQLException {
        byte[][] out = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            if (!set[i]) {
                throw new SQLException("no value specified for parameter " + (i + 1), "07002");
            }
            out[i] = encode(values[i]);
        }
        return out;
    }

    /** One value's text, or null for NULL. */
    static byte[] encode(Object v) throws SQLException {
        if (v instanceof Number || v instanceof String || v instanceof Boolean) {
            // No JDBC rule of text() applies to these: pgreen's bytes as they are (integers written as digits
            // straight into bytes), not decoded into a String and encoded again on every execution.
            try {
                return ServerParameters.encode(v);
            } catch (PgException e) {
                throw SqlExceptions.map(e, false);
            }
        }
        String text = text(v);
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    /** The text PostgreSQL's input function reads for {@code v}: JDBC's types first, then pgreen's. */
    static String text(Object v) throws SQLException {
        try {
            return switch (v) {
                case null -> null;
                case Timestamp t -> timestamp(t, ZoneId.systemDefault());
                case ZonedTimestamp z -> timestamp(z.timestamp(), z.zone());
                case java.sql.Date d -> text(d.toLocalDate());
                case Time t -> t.toLocalTime().withNano((int) Math.floorMod(t.getTime(), 1000L) * 1_000_000)
                        .toString();
                case java.util.Date d -> timestamp(new Timestamp(d.getTime()), ZoneId.systemDefault());
                case Calendar c -> timestamp(new Timestamp(c.getTimeInMillis()), c.getTimeZone().toZoneId());
                case JdbcArray a -> arrayLiteral(a.elements());
                case java.sql.Array a -> arrayLiteral(a.getArray());
                case List<?> l -> arrayLiteral(l.toArray());
                case InputStream in -> "\\x" + HexFormat.of().formatHex(readAll(in));
                case Reader r -> readAll(r);
                case Blob b -> "\\x" + HexFormat.of().formatHex(b.getBytes(1, (int) b.length()));
                case Clob c -> c.getSubString(1, (int) c.length());
                case byte[] b -> new String(ServerParameters.encode(b), StandardCharsets.UTF_8);
                default -> {
                    if (v.getClass().isArray()) {
                        yield arrayLiteral(v);
                    }
                    byte[] b = ServerParameters.encode(v);
                    yield b == null ? null : new String(b, StandardCharsets.UTF_8);
                }
            };
        } catch (PgException e) {
            throw SqlExceptions.map(e, false);
        }
    }

    /** A Timestamp with the zone its wall-clock time is read in (setTimestamp with a Calendar). */
    record ZonedTimestamp(Timestamp timestamp, ZoneId zone) {}

    /**
     * The wall-clock time with the zone's offset: a timestamp column ignores the offset, a timestamptz
     * column takes the instant, so one text (sent with no declared type, as pgjdbc does) fits both.
     */
    private static String timestamp(Timestamp t, ZoneId zone) throws SQLException {
        LocalDateTime local = t.toLocalDateTime();
        if (!zone.equals(ZoneId.systemDefault())) {
            local = LocalDateTime.ofInstant(t.toInstant(), zone);
        }
        return text(OffsetDateTime.of(local, zone.getRules().getOffset(local)));
    }

    /** {@code {a,"b c",NULL}}: every element quoted, nested arrays for several dimensions. */
    static String arrayLiteral(Object array) throws SQLException {
        StringBuilder sb = new StringBuilder("{");
        int n = Array.getLength(array);
        for (int i = 0; i < n; i++) {
            Object e = Array.get(array, i);
            if (i > 0) {
                sb.append(',');
            }
            if (e == null) {
                sb.append("NULL");
            } else if (e.getClass().isArray() && !(e instanceof byte[])) {
                sb.append(arrayLiteral(e));
            } else if (e instanceof List<?> l) {
                sb.append(arrayLiteral(l.toArray()));
            } else {
                String t = text(e);
                sb.append('"').append(t.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        }
        return sb.append('}').toString();
    }

    private static byte[] readAll(InputStream in) throws SQLException {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new SQLDataException("could not read the stream parameter: " + e.getMessage(), "22000", e);
        }
    }

    private static String readAll(Reader r) throws SQLException {
        try (r) {
            StringBuilder sb = new StringBuilder();
            char[] buf = new char[8192];
            for (int n; (n = r.read(buf)) >= 0; ) {
                sb.append(buf, 0, n);
            }
            return sb.toString();
        } catch (IOException e) {
            throw new SQLDataException("could not read the character stream parameter: " + e.getMessage(),
                    "22000", e);
        }
    }

    /** A stream parameter cut to {@code length} bytes (JDBC's setBinaryStream(i, in, length)). */
    static byte[] read(InputStream in, long length) throws SQLException {
        try {
            return length < 0 ? in.readAllBytes() : in.readNBytes((int) Math.min(Integer.MAX_VALUE, length));
        } catch (IOException e) {
            throw new SQLDataException("could not read the stream parameter: " + e.getMessage(), "22000", e);
        }
    }

    /** A character stream parameter cut to {@code length} characters. */
    static String read(Reader r, long length) throws SQLException {
        if (length < 0) {
            return readAll(r);
        }
        try {
            char[] buf = new char[(int) Math.min(Integer.MAX_VALUE, length)];
            int n = 0;
            for (int k; n < buf.length && (k = r.read(buf, n, buf.length - n)) >= 0; ) {
                n += k;
            }
            return new String(buf, 0, n);
        } catch (IOException e) {
            throw new SQLDataException("could not read the character stream parameter: " + e.getMessage(),
                    "22000", e);
        }
    }
}
