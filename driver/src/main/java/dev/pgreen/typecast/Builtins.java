package dev.pgreen.typecast;

import dev.pgreen.Caster;
import dev.pgreen.Typecaster;
import dev.pgreen.errors.DataException;


/** The built-in typecasters, the last scope of every lookup. */
public final class Builtins {
    public static final Typecaster BOOLEAN = scalar("BOOLEAN", (v, c) -> ScalarCasters.bool(v), Oids.BOOL);
    public static final Typecaster INTEGER = scalar("INTEGER", (v, c) -> Integer.valueOf(v), Oids.INT2, Oids.INT4);
    public static final Typecaster LONGINTEGER = scalar("LONGINTEGER", (v, c) -> Long.valueOf(v), Oids.INT8, Oids.OID);
    public static final Typecaster FLOAT = scalar("FLOAT", (v, c) -> ScalarCasters.float8(v), Oids.FLOAT4, Oids.FLOAT8);
    public static final Typecaster DECIMAL = scalar("DECIMAL", (v, c) -> ScalarCasters.numeric(v), Oids.NUMERIC);
    public static final Typecaster UNICODE = scalar("UNICODE", (v, c) -> v, Oids.TEXT, Oids.VARCHAR,
            Oids.BPCHAR, Oids.NAME, Oids.CHAR, Oids.MONEY, Oids.INET, Oids.CIDR, Oids.JSON, Oids.JSONB,
            Oids.XML, Oids.UNKNOWN, Oids.REFCURSOR);
    public static final Typecaster BINARY = scalar("BINARY", (v, c) -> ScalarCasters.bytea(v), Oids.BYTEA);
    public static final Typecaster DATE = scalar("DATE", (v, c) -> DateTimeCasters.date(v), Oids.DATE);
    public static final Typecaster TIME = scalar("TIME", (v, c) -> DateTimeCasters.time(v), Oids.TIME);
    public static final Typecaster TIMETZ = scalar("TIMETZ", (v, c) -> DateTimeCasters.timetz(v), Oids.TIMETZ);
    public static final Typecaster DATETIME = scalar("DATETIME", (v, c) -> DateTimeCasters.timestamp(v), Oids.TIMESTAMP);
    public static final Typecaster DATETIMETZ = scalar("DATETIMETZ", (v, c) -> DateTimeCasters.timestamptz(v),
            Oids.TIMESTAMPTZ);
    public static final Typecaster INTERVAL = scalar("INTERVAL", (v, c) -> DateTimeCasters.interval(v), Oids.INTERVAL);
    public static final Typecaster UUID = scalar("UUID", (v, c) -> java.util.UUID.fromString(v), Oids.UUID);

    private static final TypeRegistry REGISTRY = new TypeRegistry();

    static {
        for (Typecaster t : new Typecaster[] {BOOLEAN, INTEGER, LONGINTEGER, FLOAT, DECIMAL, UNICODE, BINARY,
                DATE, TIME, TIMETZ, DATETIME, DATETIMETZ, INTERVAL, UUID}) {
            REGISTRY.register(t);
        }
        array("BOOLEANARRAY", BOOLEAN, Oids.BOOL_ARRAY);
        array("INTEGERARRAY", INTEGER, Oids.INT2_ARRAY, Oids.INT4_ARRAY);
        array("LONGINTEGERARRAY", LONGINTEGER, Oids.INT8_ARRAY, Oids.OID_ARRAY);
        array("FLOATARRAY", FLOAT, Oids.FLOAT4_ARRAY, Oids.FLOAT8_ARRAY);
        array("DECIMALARRAY", DECIMAL, Oids.NUMERIC_ARRAY);
        array("UNICODEARRAY", UNICODE, Oids.TEXT_ARRAY, Oids.VARCHAR_ARRAY, Oids.BPCHAR_ARRAY, Oids.NAME_ARRAY,
                Oids.CHAR_ARRAY, Oids.MONEY_ARRAY, Oids.INET_ARRAY, Oids.CIDR_ARRAY, Oids.JSON_ARRAY, Oids.JSONB_ARRAY);
        array("BINARYARRAY", BINARY, Oids.BYTEA_ARRAY);
        array("DATEARRAY", DATE, Oids.DATE_ARRAY);
        array("TIMEARRAY", TIME, Oids.TIME_ARRAY);
        array("TIMETZARRAY", TIMETZ, Oids.TIMETZ_ARRAY);
        array("DATETIMEARRAY", DATETIME, Oids.TIMESTAMP_ARRAY);
        array("DATETIMETZARRAY", DATETIMETZ, Oids.TIMESTAMPTZ_ARRAY);
        array("INTERVALARRAY", INTERVAL, Oids.INTERVAL_ARRAY);
        array("UUIDARRAY", UUID, Oids.UUID_ARRAY);
    }

    private Builtins() {}

    /** A malformed value raises DataException, whichever JDK parser (Integer.valueOf, UUID.fromString) rejects it. */
    private static Typecaster scalar(String name, Caster caster, int... oids) {
        return new Typecaster(oids, name, (v, c) -> {
            if (v == null) return null;
            try {
                return caster.cast(v, c);
            } catch (IllegalArgumentException e) { // NumberFormatException too
                throw new DataException("invalid " + name + " value from the server: \"" + v + "\"", e);
            }
        });
    }

    private static void array(String name, Typecaster base, int... oids) {
        REGISTRY.register(arrayOf(oids, name, base));
    }

    /** A typecaster for arrays whose elements {@code base} casts (psycopg2's new_array_type). */
    public static Typecaster arrayOf(int[] oids, String name, Typecaster base) {
        return new Typecaster(oids, name, (v, c) -> v == null ? null : ArrayParser.parse(v, base, c, ','));
    }

    /** The built-in typecaster for an OID, or null. */
    public static Typecaster get(int oid) {
        return REGISTRY.get(oid);
    }
}
