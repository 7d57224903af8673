package dev.pgreen.typecast;

import dev.pgreen.Caster;
import dev.pgreen.Cursor;
import dev.pgreen.Typecaster;
import dev.pgreen.errors.DataException;
import dev.pgreen.errors.InterfaceException;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Result columns in the binary format, asked for in Bind where a column's type is one of a few built-ins and
 * the caster that would read its text is the built-in one: the server skips its output function (numeric_out
 * and timestamptz_out are dear) and the value is read from a few bytes. A caster a user registered for the
 * type, in any scope, keeps receiving the text.
 *
 * <p>Only where the binary value reads into an object {@code equals} to what the built-in caster makes of the
 * text: int2, int4, int8, oid, bool, numeric, uuid, bytea; date and timestamp while DateStyle is ISO (the text
 * caster reads no other style); timestamptz while the session's TimeZone is also UTC, where the text's offset
 * is always +00 (elsewhere the offset comes from the server's time zone rules, which the client cannot be sure
 * to share); and the text types, whose binary form is their text. float4 and float8 stay text: their text
 * depends on extra_float_digits, which the server does not report, and a float4's text is not the double
 * nearest the float.
 */
public final class BinaryResults {
    private static final int K_INT2 = 0, K_INT4 = 1, K_INT8 = 2, K_OID = 3, K_BOOL = 4, K_NUMERIC = 5, K_DATE = 6,
            K_TIMESTAMP = 7, K_TIMESTAMPTZ = 8, K_UUID = 9, K_BYTEA = 10;

    /** The text types: their binary form is their text, converted to the client encoding alike. */
    private static final Set<Integer> TEXT = Set.of(Oids.TEXT, Oids.VARCHAR, Oids.BPCHAR, Oids.NAME);
    /** The names PostgreSQL knows for UTC, a zone without offset or transitions at any date. */
    private static final Set<String> UTC = Set.of("utc", "etc/utc", "uct", "etc/uct", "gmt", "etc/gmt", "gmt0",
            "etc/gmt0", "universal", "etc/universal", "zulu", "etc/zulu", "greenwich", "etc/greenwich");

    private static final Typecaster[] READERS = new Typecaster[Oids.UUID + 1];

    static {
        reader(K_INT2, Oids.INT2);
        reader(K_INT4, Oids.INT4);
        reader(K_INT8, Oids.INT8);
        reader(K_OID, Oids.OID);
        reader(K_BOOL, Oids.BOOL);
        reader(K_NUMERIC, Oids.NUMERIC);
        reader(K_DATE, Oids.DATE);
        reader(K_TIMESTAMP, Oids.TIMESTAMP);
        reader(K_TIMESTAMPTZ, Oids.TIMESTAMPTZ);
        reader(K_UUID, Oids.UUID);
        reader(K_BYTEA, Oids.BYTEA);
        for (int oid : TEXT) {
            READERS[oid] = Builtins.UNICODE;
        }
    }

    private BinaryResults() {}

    private static void reader(int kind, int oid) {
        READERS[oid] = new Typecaster(new int[] {oid}, "BINARY_" + oid, new Reader(kind));
    }

    /**
     * Whether to ask for a column of type {@code oid} in the binary format: its caster is the built-in one and
     * the binary value reads into an equal object in this session.
     *
     * @param oid the column's type OID
     * @param caster the caster the cursor would read the column's text with
     * @param session the session's parameters as the server reported them (DateStyle, TimeZone)
     */
    public static boolean wanted(int oid, Typecaster caster, Map<String, String> session) {
        if (oid < 0 || oid >= READERS.length || READERS[oid] == null || caster != Builtins.get(oid)) {
            return false;
        }
        return switch (oid) {
            case Oids.DATE, Oids.TIMESTAMP -> isoDates(session);
            case Oids.TIMESTAMPTZ -> isoDates(session) && isUtc(session.get("TimeZone"));
            default -> true;
        };
    }

    private static boolean isoDates(Map<String, String> session) {
        String style = session.get("DateStyle");
        return style != null && style.startsWith("ISO");
    }

    private static boolean isUtc(String zone) {
        return zone != null && UTC.contains(zone.toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * The caster of a column the server sends in the binary format, which {@link #wanted} chose.
     *
     * @throws InterfaceException for a type never asked for in binary
     */
    public static Typecaster reader(int oid) {
        Typecaster t = oid >= 0 && oid < READERS.length ? READERS[oid] : null;
        if (t == null) {
            throw new InterfaceException("protocol error: a binary result column of type " + oid);
        }
        return t;
    }

    // ---- big-endian fields ----

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    static int u16(byte[] b, int off) {
        return (b[off] & 0xff) << 8 | (b[off + 1] & 0xff);
    }

    static int int32(byte[] b, int off) {
        return (int) INT.get(b, off);
    }

    static long int64(byte[] b, int off) {
        return (long) LONG.get(b, off);
    }

    static DataException badBinary(String type, int len) {
        return new DataException("invalid binary " + type + " value from the server (" + len + " bytes)");
    }

    /** One class for every binary reader, as {@link Builtins}' casters, so the call stays monomorphic. */
    private static final class Reader implements Caster, BytesCaster {
        private final int kind;

        Reader(int kind) {
            this.kind = kind;
        }

        @Override
        public Object cast(byte[] b, int off, int len, Cursor cur) {
            return switch (kind) {
                case K_INT2 -> {
                    if (len != 2) throw badBinary("smallint", len);
                    yield (int) (short) u16(b, off);
                }
                case K_INT4 -> {
                    if (len != 4) throw badBinary("integer", len);
                    yield int32(b, off);
                }
                case K_INT8 -> {
                    if (len != 8) throw badBinary("bigint", len);
                    yield int64(b, off);
                }
                case K_OID -> {
                    if (len != 4) throw badBinary("oid", len);
                    yield int32(b, off) & 0xffff_ffffL;
                }
                case K_BOOL -> {
                    if (len != 1) throw badBinary("boolean", len);
                    yield b[off] != 0;
                }
                case K_NUMERIC -> ScalarCasters.numericBinary(b, off, len);
                case K_DATE -> DateTimeCasters.dateBinary(b, off, len);
                case K_TIMESTAMP -> DateTimeCasters.timestampBinary(b, off, len);
                case K_TIMESTAMPTZ -> DateTimeCasters.timestamptzUtcBinary(b, off, len);
                case K_UUID -> {
                    if (len != 16) throw badBinary("uuid", len);
                    yield new UUID(int64(b, off), int64(b, off + 8));
                }
                case K_BYTEA -> Arrays.copyOfRange(b, off, off + len);
                default -> throw new IllegalStateException("unknown binary kind " + kind);
            };
        }

        /** Never given text: the server sends these columns in binary only. */
        @Override
        public Object cast(String value, Cursor cur) {
            if (value == null) {
                return null;
            }
            throw new InterfaceException("a binary result reader was given text");
        }
    }
}
