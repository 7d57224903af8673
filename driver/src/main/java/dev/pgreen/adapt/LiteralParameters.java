package dev.pgreen.adapt;

import dev.pgreen.Connection;
import dev.pgreen.SqlQuote;
import dev.pgreen.typecast.Oids;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Server-side parameters that mean what psycopg2's client-side literal of the same value means:
 * {@code Cursor.executeMany} binds a row with them instead of formatting it, so that the server parses the
 * statement once for many rows. A value qualifies only when pgreen's own adapter for its exact class is in
 * effect and its literal is simply "this text, of this type":
 * <ul>
 * <li>null ({@code NULL}), strings and characters (a quoted literal): sent untyped (OID 0), so that the
 *     server infers the type from the context as it does for an untyped literal;
 * <li>integers: the type the server gives the bare number, by its size: {@code int4}, {@code int8}, else
 *     {@code numeric};
 * <li>finite doubles and floats, BigDecimal (a bare decimal, or {@code ::numeric}): {@code numeric};
 *     booleans: {@code bool};
 * <li>the typed literals {@code '...'::T} of NaN and the infinities ({@code float8}), UUIDs, byte arrays
 *     and the java.time types: type T, their text taken from the literal itself.
 * </ul>
 * Anything else (a user's adapter, {@link AsIs}, arrays, JSON, ranges, enums...) returns
 * {@link #LITERAL_ONLY}, and so does a value whose literal raises (a NUL character, an unpaired surrogate,
 * non-ASCII text on a session whose {@code client_encoding} is not UTF-8): formatted client-side, it
 * raises exactly as before.
 */
public final class LiteralParameters {
    /** What {@link #bind} returns for a value that must be formatted client-side. */
    public static final int LITERAL_ONLY = -1;

    private static final Set<Class<?>> FROM_LITERAL = Set.of(Double.class, Float.class, java.math.BigDecimal.class,
            BigInteger.class, java.util.UUID.class, byte[].class, java.time.LocalDate.class, java.time.LocalTime.class,
            java.time.OffsetTime.class, java.time.LocalDateTime.class, java.time.OffsetDateTime.class,
            java.time.ZonedDateTime.class, java.time.Instant.class, java.time.Duration.class, java.time.Period.class);

    /** The types of the typed literals the built-in adapters write. */
    private static final Map<String, Integer> TYPED = Map.of("float8", Oids.FLOAT8, "uuid", Oids.UUID,
            "bytea", Oids.BYTEA, "date", Oids.DATE, "time", Oids.TIME, "timetz", Oids.TIMETZ,
            "timestamp", Oids.TIMESTAMP, "timestamptz", Oids.TIMESTAMPTZ, "interval", Oids.INTERVAL);

    /** A bare decimal literal, sign removed: the server types it numeric. */
    private static final Pattern DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]*)?([eE][+-]?[0-9]+)?");

    private static final BigInteger INT8_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger INT8_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private final Connection conn;
    private final boolean anyText;

    private LiteralParameters(Connection conn) {
        this.conn = conn;
        // QuotedString.checkEncoding's rule: only these sessions read non-ASCII as the UTF-8 pgreen sends.
        this.anyText = QuotedString.readsUtf8(conn.parameterStatus("client_encoding"));
    }

    /**
     * The parameters for literals as they would be written for {@code conn}, its settings read now.
     *
     * @param conn the connection the statements run on
     * @return the converter
     */
    public static LiteralParameters forConnection(Connection conn) {
        return new LiteralParameters(conn);
    }

    /**
     * The parameter standing for {@code v}'s literal: its text goes to {@code texts[i]}.
     *
     * @param v the value
     * @param texts where the parameter's text goes (UTF-8; null for NULL)
     * @param i the index in {@code texts}
     * @return the parameter's type OID (0: untyped, as a quoted string or NULL), or {@link #LITERAL_ONLY}
     */
    public int bind(Object v, byte[][] texts, int i) {
        if (v == null) {
            texts[i] = null;
            return 0;
        }
        Class<?> type = v.getClass();
        if (!Adapters.isBuiltIn(type)) {
            return LITERAL_ONLY;
        }
        switch (v) {
            case String s -> {
                return text(s, texts, i);
            }
            case Character c -> {
                return text(c.toString(), texts, i);
            }
            case Integer n -> {
                texts[i] = ServerParameters.encode(n);
                return Oids.INT4;
            }
            case Short n -> {
                texts[i] = ServerParameters.encode(n);
                return Oids.INT4;
            }
            case Byte n -> {
                texts[i] = ServerParameters.encode(n);
                return Oids.INT4;
            }
            case Long n -> {
                texts[i] = ServerParameters.encode(n);
                return n == n.intValue() ? Oids.INT4 : Oids.INT8;
            }
            case Boolean b -> {
                texts[i] = new byte[] {(byte) (b ? 't' : 'f')};
                return Oids.BOOL;
            }
            default -> {
                return FROM_LITERAL.contains(type) ? fromLiteral(v, texts, i) : LITERAL_ONLY;
            }
        }
    }

    /**
     * Whether a parameter of {@link #bind}'s is a negative bare number: its literal ({@code " -5"}) is a unary
     * minus, which binds less tightly than a {@code ::} cast, a subscript or a field that follows it.
     *
     * @param type the OID {@link #bind} returned
     * @param text the text it stored
     * @return true for a negative integer or numeric
     */
    public static boolean isBareNegative(int type, byte[] text) {
        return (type == Oids.INT4 || type == Oids.INT8 || type == Oids.NUMERIC) && text != null && text.length > 0
                && text[0] == '-';
    }

    /** A string is its own parameter, if its literal would not raise (QuotedString.quote's checks). */
    private int text(String s, byte[][] texts, int i) {
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c < 0x80) {
                if (c == 0) {
                    return LITERAL_ONLY;
                }
            } else if (!anyText) {
                return LITERAL_ONLY;
            } else if (Character.isHighSurrogate(c) && k + 1 < s.length() && Character.isLowSurrogate(s.charAt(k + 1))) {
                k++;
            } else if (Character.isSurrogate(c)) {
                return LITERAL_ONLY;
            }
        }
        texts[i] = s.getBytes(StandardCharsets.UTF_8);
        return 0;
    }

    /** The text and type read back from the literal the built-in adapter writes. */
    private int fromLiteral(Object v, byte[][] texts, int i) {
        String literal;
        try {
            SqlQuote q = Adapters.adapt(v);
            q.prepare(conn);
            literal = q instanceof AsIs a ? String.valueOf(a.getWrapped())
                    : new String(q.getQuoted(), StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            return LITERAL_ONLY; // formatted client-side, it raises there as it always did
        }
        String text;
        int type;
        if (literal.startsWith("'") || literal.startsWith("E'")) {
            boolean escapes = literal.charAt(0) == 'E';
            int close = literal.lastIndexOf("'::");
            Integer typed = close < 0 ? null : TYPED.get(literal.substring(close + 3));
            text = typed == null ? null : unquote(literal, escapes ? 2 : 1, close, escapes);
            if (text == null) {
                return LITERAL_ONLY;
            }
            type = typed;
        } else {
            boolean negative = literal.startsWith(" -");
            String body = negative ? literal.substring(2) : literal;
            boolean cast = body.endsWith("::numeric");
            if (cast) {
                body = body.substring(0, body.length() - "::numeric".length());
            }
            if (!DECIMAL.matcher(body).matches()) {
                return LITERAL_ONLY;
            }
            text = negative ? "-" + body : body;
            type = cast || !allDigits(body) ? Oids.NUMERIC : integerType(text);
        }
        texts[i] = text.getBytes(StandardCharsets.UTF_8);
        return type;
    }

    /** The content of a quoted literal: doubled quotes, and in E'' doubled backslashes, made single. */
    private static String unquote(String literal, int from, int to, boolean escapes) {
        StringBuilder sb = new StringBuilder(to - from);
        for (int k = from; k < to; k++) {
            char c = literal.charAt(k);
            if (c == '\'' || (c == '\\' && escapes)) {
                if (k + 1 >= to || literal.charAt(k + 1) != c) {
                    return null;
                }
                k++;
            }
            sb.append(c);
        }
        return sb.toString();
    }

    private static boolean allDigits(String s) {
        for (int k = 0; k < s.length(); k++) {
            if (s.charAt(k) < '0' || s.charAt(k) > '9') {
                return false;
            }
        }
        return true;
    }

    /** What the server makes of an integer literal: int4 if it fits, else int8 if it fits, else numeric. */
    private static int integerType(String signedDigits) {
        BigInteger n = new BigInteger(signedDigits);
        if (n.bitLength() < 32) {
            return Oids.INT4;
        }
        return n.compareTo(INT8_MIN) >= 0 && n.compareTo(INT8_MAX) <= 0 ? Oids.INT8 : Oids.NUMERIC;
    }
}
