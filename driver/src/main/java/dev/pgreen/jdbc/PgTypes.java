package dev.pgreen.jdbc;

import dev.pgreen.typecast.Oids;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The built-in types as JDBC sees them: OID, name, {@link Types} code and the class {@code getObject}
 * returns. The codes are pgjdbc's, so that code written for pgjdbc reads the same metadata.
 */
final class PgTypes {
    record Type(int oid, String name, int sqlType, String javaClass, int arrayOid, int elementOid) {
        boolean isArray() {
            return elementOid != 0;
        }
    }

    private static final Map<Integer, Type> BY_OID = new HashMap<>();
    private static final Map<String, Type> BY_NAME = new HashMap<>();

    static {
        scalar(Oids.BOOL, "bool", Types.BIT, "java.lang.Boolean", Oids.BOOL_ARRAY);
        scalar(Oids.BYTEA, "bytea", Types.BINARY, "[B", Oids.BYTEA_ARRAY);
        scalar(Oids.CHAR, "char", Types.CHAR, "java.lang.String", Oids.CHAR_ARRAY);
        scalar(Oids.NAME, "name", Types.VARCHAR, "java.lang.String", Oids.NAME_ARRAY);
        scalar(Oids.INT8, "int8", Types.BIGINT, "java.lang.Long", Oids.INT8_ARRAY);
        scalar(Oids.INT2, "int2", Types.SMALLINT, "java.lang.Integer", Oids.INT2_ARRAY);
        scalar(Oids.INT4, "int4", Types.INTEGER, "java.lang.Integer", Oids.INT4_ARRAY);
        scalar(Oids.TEXT, "text", Types.VARCHAR, "java.lang.String", Oids.TEXT_ARRAY);
        scalar(Oids.OID, "oid", Types.BIGINT, "java.lang.Long", Oids.OID_ARRAY);
        scalar(Oids.JSON, "json", Types.OTHER, "java.lang.String", Oids.JSON_ARRAY);
        scalar(Oids.XML, "xml", Types.SQLXML, "java.lang.String", Oids.XML_ARRAY);
        scalar(Oids.FLOAT4, "float4", Types.REAL, "java.lang.Float", Oids.FLOAT4_ARRAY);
        scalar(Oids.FLOAT8, "float8", Types.DOUBLE, "java.lang.Double", Oids.FLOAT8_ARRAY);
        scalar(Oids.MONEY, "money", Types.OTHER, "java.lang.String", Oids.MONEY_ARRAY);
        scalar(Oids.INET, "inet", Types.OTHER, "java.lang.String", Oids.INET_ARRAY);
        scalar(Oids.CIDR, "cidr", Types.OTHER, "java.lang.String", Oids.CIDR_ARRAY);
        scalar(Oids.BPCHAR, "bpchar", Types.CHAR, "java.lang.String", Oids.BPCHAR_ARRAY);
        scalar(Oids.VARCHAR, "varchar", Types.VARCHAR, "java.lang.String", Oids.VARCHAR_ARRAY);
        scalar(Oids.DATE, "date", Types.DATE, "java.sql.Date", Oids.DATE_ARRAY);
        scalar(Oids.TIME, "time", Types.TIME, "java.sql.Time", Oids.TIME_ARRAY);
        scalar(Oids.TIMESTAMP, "timestamp", Types.TIMESTAMP, "java.sql.Timestamp", Oids.TIMESTAMP_ARRAY);
        scalar(Oids.TIMESTAMPTZ, "timestamptz", Types.TIMESTAMP, "java.sql.Timestamp", Oids.TIMESTAMPTZ_ARRAY);
        scalar(Oids.INTERVAL, "interval", Types.OTHER, "java.lang.String", Oids.INTERVAL_ARRAY);
        scalar(Oids.TIMETZ, "timetz", Types.TIME, "java.sql.Time", Oids.TIMETZ_ARRAY);
        scalar(Oids.NUMERIC, "numeric", Types.NUMERIC, "java.math.BigDecimal", Oids.NUMERIC_ARRAY);
        scalar(Oids.UUID, "uuid", Types.OTHER, "java.util.UUID", Oids.UUID_ARRAY);
        scalar(Oids.JSONB, "jsonb", Types.OTHER, "java.lang.String", Oids.JSONB_ARRAY);
        scalar(Oids.REFCURSOR, "refcursor", Types.REF_CURSOR, "java.lang.String", Oids.REFCURSOR_ARRAY);
        scalar(Oids.VOID, "void", Types.OTHER, "java.lang.String", 0);
        scalar(Oids.UNKNOWN, "unknown", Types.VARCHAR, "java.lang.String", 0);
        // The usual spellings of createArrayOf and setNull's type names.
        alias("boolean", Oids.BOOL); alias("smallint", Oids.INT2); alias("integer", Oids.INT4);
        alias("int", Oids.INT4); alias("bigint", Oids.INT8); alias("real", Oids.FLOAT4);
        alias("double precision", Oids.FLOAT8); alias("double", Oids.FLOAT8); alias("float", Oids.FLOAT8);
        alias("decimal", Oids.NUMERIC); alias("character varying", Oids.VARCHAR); alias("character", Oids.BPCHAR);
        alias("char", Oids.BPCHAR); alias("timestamp with time zone", Oids.TIMESTAMPTZ);
        alias("timestamp without time zone", Oids.TIMESTAMP); alias("time with time zone", Oids.TIMETZ);
        alias("time without time zone", Oids.TIME);
    }

    private static void scalar(int oid, String name, int sqlType, String javaClass, int arrayOid) {
        Type t = new Type(oid, name, sqlType, javaClass, arrayOid, 0);
        BY_OID.put(oid, t);
        BY_NAME.put(name, t);
        if (arrayOid != 0) {
            Type a = new Type(arrayOid, "_" + name, Types.ARRAY, "java.sql.Array", 0, oid);
            BY_OID.put(arrayOid, a);
            BY_NAME.put("_" + name, a);
        }
    }

    private static void alias(String name, int oid) {
        BY_NAME.put(name, BY_OID.get(oid));
    }

    private PgTypes() {}

    /** Every built-in scalar type (not the arrays). */
    static java.util.List<Type> scalars() {
        return BY_OID.values().stream().filter(t -> !t.isArray()).sorted(java.util.Comparator.comparing(Type::oid))
                .toList();
    }

    /** The built-in type of that OID, or null. */
    static Type byOid(int oid) {
        return BY_OID.get(oid);
    }

    /** The built-in type of that name (pg_type's or SQL's spelling, any case; "int4[]" is the array), or null. */
    static Type byName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.endsWith("[]")) {
            Type element = BY_NAME.get(n.substring(0, n.length() - 2).trim());
            return element == null ? null : BY_OID.get(element.arrayOid());
        }
        return BY_NAME.get(n);
    }

    /** The OID a parameter of that JDBC type is declared with: 0 leaves it to the server. */
    static int oidOfSqlType(int sqlType) {
        return switch (sqlType) {
            case Types.BIT, Types.BOOLEAN -> Oids.BOOL;
            case Types.TINYINT, Types.SMALLINT -> Oids.INT2;
            case Types.INTEGER -> Oids.INT4;
            case Types.BIGINT -> Oids.INT8;
            case Types.REAL -> Oids.FLOAT4;
            case Types.FLOAT, Types.DOUBLE -> Oids.FLOAT8;
            case Types.NUMERIC, Types.DECIMAL -> Oids.NUMERIC;
            case Types.CHAR, Types.NCHAR -> Oids.BPCHAR;
            case Types.VARCHAR, Types.NVARCHAR, Types.LONGVARCHAR, Types.LONGNVARCHAR, Types.CLOB, Types.NCLOB ->
                    Oids.VARCHAR;
            case Types.DATE -> Oids.DATE;
            case Types.TIME -> Oids.TIME;
            case Types.TIME_WITH_TIMEZONE -> Oids.TIMETZ;
            case Types.TIMESTAMP -> Oids.TIMESTAMP;
            case Types.TIMESTAMP_WITH_TIMEZONE -> Oids.TIMESTAMPTZ;
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> Oids.BYTEA;
            case Types.SQLXML -> Oids.XML;
            default -> 0;
        };
    }

    /** The OID a parameter holding {@code v} is declared with (pgjdbc's choices); 0 leaves it to the server. */
    static int oidOf(Object v, boolean stringsUnspecified) {
        return switch (v) {
            case null -> 0;
            case String s -> stringsUnspecified ? 0 : Oids.VARCHAR;
            case Character c -> stringsUnspecified ? 0 : Oids.VARCHAR;
            case Integer i -> Oids.INT4;
            case Long l -> Oids.INT8;
            case Short s -> Oids.INT2;
            case Byte b -> Oids.INT2;
            case Boolean b -> Oids.BOOL;
            case BigDecimal d -> Oids.NUMERIC;
            case BigInteger b -> Oids.NUMERIC;
            case Double d -> Oids.FLOAT8;
            case Float f -> Oids.FLOAT4;
            case byte[] b -> Oids.BYTEA;
            case UUID u -> Oids.UUID;
            case LocalDate d -> Oids.DATE;
            case java.sql.Date d -> Oids.DATE;
            case LocalTime t -> Oids.TIME;
            case OffsetTime t -> Oids.TIMETZ;
            case LocalDateTime t -> Oids.TIMESTAMP;
            case OffsetDateTime t -> Oids.TIMESTAMPTZ;
            case ZonedDateTime t -> Oids.TIMESTAMPTZ;
            case Instant t -> Oids.TIMESTAMPTZ;
            case JdbcArray a -> a.arrayOid();
            // java.sql.Timestamp and Time: unspecified, so one value fits timestamp and timestamptz alike.
            default -> {
                if (v.getClass().isArray()) {
                    Type element = byOid(oidOf(firstElement(v), stringsUnspecified));
                    yield element == null ? 0 : element.arrayOid();
                }
                yield 0;
            }
        };
    }

    /** A sample element of a Java array (the first non-null one), by which its SQL array type is chosen. */
    private static Object firstElement(Object array) {
        Class<?> component = array.getClass().getComponentType();
        if (component == int.class) return 0;
        if (component == long.class) return 0L;
        if (component == short.class) return (short) 0;
        if (component == double.class) return 0.0;
        if (component == float.class) return 0f;
        if (component == boolean.class) return false;
        if (component == byte[].class) return new byte[0];
        for (Object o : (Object[]) array) {
            if (o != null) return o;
        }
        if (component == String.class) return "";
        return null;
    }
}
