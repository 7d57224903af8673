package dev.pgreen.typecast;

/** OIDs of the built-in types pgreen casts (fixed in pg_type.dat since forever). */
public final class Oids {
    public static final int BOOL = 16, BYTEA = 17, CHAR = 18, NAME = 19, INT8 = 20, INT2 = 21, INT4 = 23,
            TEXT = 25, OID = 26, JSON = 114, XML = 142, POINT = 600, CIDR = 650, FLOAT4 = 700, FLOAT8 = 701,
            UNKNOWN = 705, MONEY = 790, INET = 869, BPCHAR = 1042, VARCHAR = 1043, DATE = 1082, TIME = 1083,
            TIMESTAMP = 1114, TIMESTAMPTZ = 1184, INTERVAL = 1186, TIMETZ = 1266, NUMERIC = 1700, UUID = 2950,
            JSONB = 3802, VOID = 2278, REFCURSOR = 1790;

    public static final int BOOL_ARRAY = 1000, BYTEA_ARRAY = 1001, CHAR_ARRAY = 1002, NAME_ARRAY = 1003,
            INT2_ARRAY = 1005, INT4_ARRAY = 1007, TEXT_ARRAY = 1009, BPCHAR_ARRAY = 1014, VARCHAR_ARRAY = 1015,
            INT8_ARRAY = 1016, FLOAT4_ARRAY = 1021, FLOAT8_ARRAY = 1022, OID_ARRAY = 1028, TIMESTAMP_ARRAY = 1115,
            DATE_ARRAY = 1182, TIME_ARRAY = 1183, TIMESTAMPTZ_ARRAY = 1185, INTERVAL_ARRAY = 1187,
            NUMERIC_ARRAY = 1231, TIMETZ_ARRAY = 1270, UUID_ARRAY = 2951, JSON_ARRAY = 199, JSONB_ARRAY = 3807,
            INET_ARRAY = 1041, CIDR_ARRAY = 651, MONEY_ARRAY = 791;

    private Oids() {}
}
