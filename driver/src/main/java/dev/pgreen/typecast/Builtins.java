package dev.pgreen.typecast;

import dev.pgreen.Caster;
import dev.pgreen.Cursor;
import dev.pgreen.Typecaster;

import java.util.List;

/** The built-in typecasters, the last scope of every lookup. */
public final class Builtins {
    private static final int K_BOOL = 0, K_INT4 = 1, K_INT8 = 2, K_FLOAT8 = 3, K_NUMERIC = 4, K_TEXT = 5,
            K_BYTEA = 6, K_DATE = 7, K_TIME = 8, K_TIMETZ = 9, K_TIMESTAMP = 10, K_TIMESTAMPTZ = 11, K_INTERVAL = 12,
            K_UUID = 13;

    public static final Typecaster BOOLEAN = scalar("BOOLEAN", K_BOOL, Oids.BOOL);
    public static final Typecaster INTEGER = scalar("INTEGER", K_INT4, Oids.INT2, Oids.INT4);
    public static final Typecaster LONGINTEGER = scalar("LONGINTEGER", K_INT8, Oids.INT8, Oids.OID);
    public static final Typecaster FLOAT = scalar("FLOAT", K_FLOAT8, Oids.FLOAT4, Oids.FLOAT8);
    public static final Typecaster DECIMAL = scalar("DECIMAL", K_NUMERIC, Oids.NUMERIC);
    public static final Typecaster UNICODE = scalar("UNICODE", K_TEXT, Oids.TEXT, Oids.VARCHAR, Oids.BPCHAR, Oids.NAME,
            Oids.CHAR, Oids.XML, Oids.UNKNOWN, Oids.REFCURSOR);
    public static final Typecaster JSON = scalar("JSON", K_TEXT, Oids.JSON);
    public static final Typecaster JSONB = scalar("JSONB", K_TEXT, Oids.JSONB);
    public static final Typecaster INET = scalar("INET", K_TEXT, Oids.INET);
    public static final Typecaster CIDR = scalar("CIDR", K_TEXT, Oids.CIDR);
    public static final Typecaster MONEY = scalar("MONEY", K_TEXT, Oids.MONEY);
    public static final Typecaster BINARY = scalar("BINARY", K_BYTEA, Oids.BYTEA);
    public static final Typecaster DATE = scalar("DATE", K_DATE, Oids.DATE);
    public static final Typecaster TIME = scalar("TIME", K_TIME, Oids.TIME);
    public static final Typecaster TIMETZ = scalar("TIMETZ", K_TIMETZ, Oids.TIMETZ);
    public static final Typecaster DATETIME = scalar("DATETIME", K_TIMESTAMP, Oids.TIMESTAMP);
    public static final Typecaster DATETIMETZ = scalar("DATETIMETZ", K_TIMESTAMPTZ, Oids.TIMESTAMPTZ);
    public static final Typecaster INTERVAL = scalar("INTERVAL", K_INTERVAL, Oids.INTERVAL);
    public static final Typecaster UUID = scalar("UUID", K_UUID, Oids.UUID);

    public static final Typecaster BOOLEANARRAY = arrayOf(new int[] {Oids.BOOL_ARRAY}, "BOOLEANARRAY", BOOLEAN);
    public static final Typecaster INTEGERARRAY = arrayOf(new int[] {Oids.INT2_ARRAY, Oids.INT4_ARRAY}, "INTEGERARRAY",
            INTEGER);
    public static final Typecaster LONGINTEGERARRAY = arrayOf(new int[] {Oids.INT8_ARRAY, Oids.OID_ARRAY},
            "LONGINTEGERARRAY", LONGINTEGER);
    public static final Typecaster FLOATARRAY = arrayOf(new int[] {Oids.FLOAT4_ARRAY, Oids.FLOAT8_ARRAY}, "FLOATARRAY",
            FLOAT);
    public static final Typecaster DECIMALARRAY = arrayOf(new int[] {Oids.NUMERIC_ARRAY}, "DECIMALARRAY", DECIMAL);
    public static final Typecaster UNICODEARRAY = arrayOf(new int[] {Oids.TEXT_ARRAY, Oids.VARCHAR_ARRAY,
            Oids.BPCHAR_ARRAY, Oids.NAME_ARRAY, Oids.CHAR_ARRAY, Oids.XML_ARRAY, Oids.REFCURSOR_ARRAY}, "UNICODEARRAY",
            UNICODE);
    public static final Typecaster JSONARRAY = arrayOf(new int[] {Oids.JSON_ARRAY}, "JSONARRAY", JSON);
    public static final Typecaster JSONBARRAY = arrayOf(new int[] {Oids.JSONB_ARRAY}, "JSONBARRAY", JSONB);
    public static final Typecaster INETARRAY = arrayOf(new int[] {Oids.INET_ARRAY}, "INETARRAY", INET);
    public static final Typecaster CIDRARRAY = arrayOf(new int[] {Oids.CIDR_ARRAY}, "CIDRARRAY", CIDR);
    /** macaddr[] and macaddr8[]: psycopg2 knows these arrays (of strings) though not their elements. */
    public static final Typecaster MACADDRARRAY = arrayOf(new int[] {Oids.MACADDR_ARRAY, Oids.MACADDR8_ARRAY},
            "MACADDRARRAY", UNICODE);
    public static final Typecaster MONEYARRAY = arrayOf(new int[] {Oids.MONEY_ARRAY}, "MONEYARRAY", MONEY);
    public static final Typecaster BINARYARRAY = arrayOf(new int[] {Oids.BYTEA_ARRAY}, "BINARYARRAY", BINARY);
    public static final Typecaster DATEARRAY = arrayOf(new int[] {Oids.DATE_ARRAY}, "DATEARRAY", DATE);
    public static final Typecaster TIMEARRAY = arrayOf(new int[] {Oids.TIME_ARRAY}, "TIMEARRAY", TIME);
    public static final Typecaster TIMETZARRAY = arrayOf(new int[] {Oids.TIMETZ_ARRAY}, "TIMETZARRAY", TIMETZ);
    public static final Typecaster DATETIMEARRAY = arrayOf(new int[] {Oids.TIMESTAMP_ARRAY}, "DATETIMEARRAY", DATETIME);
    public static final Typecaster DATETIMETZARRAY = arrayOf(new int[] {Oids.TIMESTAMPTZ_ARRAY}, "DATETIMETZARRAY",
            DATETIMETZ);
    public static final Typecaster INTERVALARRAY = arrayOf(new int[] {Oids.INTERVAL_ARRAY}, "INTERVALARRAY",
            INTERVAL);
    public static final Typecaster UUIDARRAY = arrayOf(new int[] {Oids.UUID_ARRAY}, "UUIDARRAY", UUID);

    /** Every built-in, scalars and arrays. */
    public static final List<Typecaster> ALL = List.of(BOOLEAN, INTEGER, LONGINTEGER, FLOAT, DECIMAL, UNICODE, JSON,
            JSONB, INET, CIDR, MONEY, BINARY, DATE, TIME, TIMETZ, DATETIME, DATETIMETZ, INTERVAL,
            UUID, BOOLEANARRAY, INTEGERARRAY, LONGINTEGERARRAY, FLOATARRAY, DECIMALARRAY, UNICODEARRAY, JSONARRAY,
            JSONBARRAY, INETARRAY, CIDRARRAY, MACADDRARRAY, MONEYARRAY, BINARYARRAY, DATEARRAY, TIMEARRAY, TIMETZARRAY,
            DATETIMEARRAY, DATETIMETZARRAY, INTERVALARRAY, UUIDARRAY);

    private static final TypeRegistry REGISTRY = new TypeRegistry();

    static {
        for (Typecaster t : ALL) {
            REGISTRY.register(t);
        }
    }

    private Builtins() {}

    private static Typecaster scalar(String name, int kind, int... oids) {
        return new Typecaster(oids, name, new Builtin(kind));
    }

    /**
     * One class for every built-in scalar caster, so that the call from {@link Typecaster} stays monomorphic
     * on the hot path; the kind picks the parser. Strings (from a user's call, or an array's escaped element)
     * are parsed from their UTF-8 bytes by the same code.
     */
    private static final class Builtin implements Caster, BytesCaster {
        private final int kind;

        Builtin(int kind) {
            this.kind = kind;
        }

        @Override
        public Object cast(byte[] b, int off, int len, Cursor cur) {
            return switch (kind) {
                case K_BOOL -> ScalarCasters.bool(b, off, len);
                case K_INT4 -> ScalarCasters.int4(b, off, len);
                case K_INT8 -> ScalarCasters.int8(b, off, len);
                case K_FLOAT8 -> ScalarCasters.float8(b, off, len);
                case K_NUMERIC -> ScalarCasters.numeric(b, off, len);
                case K_TEXT -> Text.string(b, off, len);
                case K_BYTEA -> ScalarCasters.bytea(b, off, len);
                case K_DATE -> DateTimeCasters.date(b, off, len);
                case K_TIME -> DateTimeCasters.time(b, off, len);
                case K_TIMETZ -> DateTimeCasters.timetz(b, off, len);
                case K_TIMESTAMP -> DateTimeCasters.timestamp(b, off, len);
                case K_TIMESTAMPTZ -> DateTimeCasters.timestamptz(b, off, len);
                case K_INTERVAL -> DateTimeCasters.interval(b, off, len);
                case K_UUID -> ScalarCasters.uuid(b, off, len);
                default -> throw new IllegalStateException("unknown built-in kind " + kind);
            };
        }

        @Override
        public Object cast(String value, Cursor cur) {
            if (value == null || kind == K_TEXT) return value;
            byte[] b = Text.utf8(value);
            return cast(b, 0, b.length, cur);
        }
    }

    /** Arrays of any element typecaster; the array's bytes are parsed in place. */
    private static final class ArrayCaster implements Caster, BytesCaster {
        private final Typecaster element;
        private final char delimiter;

        ArrayCaster(Typecaster element, char delimiter) {
            this.element = element;
            this.delimiter = delimiter;
        }

        @Override
        public Object cast(byte[] b, int off, int len, Cursor cur) {
            return ArrayParser.parse(b, off, len, element, cur, delimiter);
        }

        @Override
        public Object cast(String value, Cursor cur) {
            return value == null ? null : ArrayParser.parse(value, element, cur, delimiter);
        }
    }

    /** A typecaster for arrays whose elements {@code base} casts (psycopg2's new_array_type). */
    public static Typecaster arrayOf(int[] oids, String name, Typecaster base) {
        return new Typecaster(oids, name, new ArrayCaster(base, ','));
    }

    /** The built-in typecaster for an OID, or null. */
    public static Typecaster get(int oid) {
        return REGISTRY.get(oid);
    }
}
