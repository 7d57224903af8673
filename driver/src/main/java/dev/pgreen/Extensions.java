package dev.pgreen;

import dev.pgreen.adapt.Adapters;
import dev.pgreen.typecast.Builtins;
import dev.pgreen.typecast.TypeRegistry;

import java.util.function.Function;

/**
 * Adaptation and typecasting (psycopg2.extensions), as static methods.
 *
 * <p>Adaptation turns a query argument into a SQL literal: {@link #adapt(Object)} finds the adapter (an
 * {@link SqlQuote} adapts to itself, then the object's own {@link Conform}, then an adapter registered with
 * {@link #registerAdapter} for its exact class, its superclasses nearest first, its interfaces breadth-first)
 * and the built-ins cover null, booleans, numbers, strings, byte[], UUID, java.time, arrays and Lists, and the
 * wrappers of {@code dev.pgreen.adapt} (see {@link dev.pgreen.adapt.Adapters} for the SQL each one writes).
 *
 * <p>Typecasting turns a column's text into a Java object by the column's type OID: a {@link Typecaster}
 * registered on the cursor, else on the connection, else globally, else the built-in below, else the text as
 * a String. The typecaster of each column is looked up once per result. The built-ins read the values straight
 * from the bytes the server sent; a {@link Caster} of one's own receives the decoded String.
 */
public final class Extensions {
    // The built-in typecasters, named as psycopg2 names them.
    /** bool to {@code Boolean}. */
    public static final Typecaster BOOLEAN = Builtins.BOOLEAN;
    /** int2 and int4 to {@code Integer}. */
    public static final Typecaster INTEGER = Builtins.INTEGER;
    /** int8 and oid to {@code Long}. */
    public static final Typecaster LONGINTEGER = Builtins.LONGINTEGER;
    /** float4 and float8 to {@code Double}. */
    public static final Typecaster FLOAT = Builtins.FLOAT;
    /** numeric to {@code BigDecimal}; NaN to {@code Double.NaN}, {@code ±Infinity} to the {@code Double} infinities. */
    public static final Typecaster DECIMAL = Builtins.DECIMAL;
    /** text, varchar, bpchar, name, char, xml and refcursor to {@code String}; a type with no typecaster reads as its text too. */
    public static final Typecaster UNICODE = Builtins.UNICODE;
    /** json to its text, a {@code String}. */
    public static final Typecaster JSON = Builtins.JSON;
    /** jsonb to its text, a {@code String}. */
    public static final Typecaster JSONB = Builtins.JSONB;
    /** inet to its text, a {@code String}. */
    public static final Typecaster INET = Builtins.INET;
    /** cidr to its text, a {@code String}. */
    public static final Typecaster CIDR = Builtins.CIDR;
    /** money to its text, a {@code String} (its format follows the server's {@code lc_monetary}). */
    public static final Typecaster MONEY = Builtins.MONEY;
    /** bytea to {@code byte[]}. */
    public static final Typecaster BINARY = Builtins.BINARY;
    /** date to {@code LocalDate}; {@code infinity} and {@code -infinity} to {@code LocalDate.MAX} and {@code MIN}. */
    public static final Typecaster DATE = Builtins.DATE;
    /** time to {@code LocalTime}. */
    public static final Typecaster TIME = Builtins.TIME;
    /** timetz to {@code OffsetTime}. */
    public static final Typecaster TIMETZ = Builtins.TIMETZ;
    /** timestamp to {@code LocalDateTime}; the infinities to {@code MAX} and {@code MIN}. */
    public static final Typecaster DATETIME = Builtins.DATETIME;
    /** timestamptz to {@code OffsetDateTime} at the session's TimeZone offset; the infinities to {@code MAX} and {@code MIN}. */
    public static final Typecaster DATETIMETZ = Builtins.DATETIMETZ;
    /** interval to {@code Duration}, a month counted as 30 days and a year as 365 (as psycopg2). */
    public static final Typecaster INTERVAL = Builtins.INTERVAL;
    /** uuid to {@code java.util.UUID}. */
    public static final Typecaster UUID = Builtins.UUID;

    // Arrays of each: unmodifiable Lists, nested for several dimensions, NULL elements kept as null.
    /** Arrays of the types of {@link #BOOLEAN}, each element cast by it. */
    public static final Typecaster BOOLEANARRAY = Builtins.BOOLEANARRAY;
    /** Arrays of the types of {@link #INTEGER}, each element cast by it. */
    public static final Typecaster INTEGERARRAY = Builtins.INTEGERARRAY;
    /** Arrays of the types of {@link #LONGINTEGER}, each element cast by it. */
    public static final Typecaster LONGINTEGERARRAY = Builtins.LONGINTEGERARRAY;
    /** Arrays of the types of {@link #FLOAT}, each element cast by it. */
    public static final Typecaster FLOATARRAY = Builtins.FLOATARRAY;
    /** Arrays of the types of {@link #DECIMAL}, each element cast by it. */
    public static final Typecaster DECIMALARRAY = Builtins.DECIMALARRAY;
    /** Arrays of the types of {@link #UNICODE}, each element cast by it. */
    public static final Typecaster UNICODEARRAY = Builtins.UNICODEARRAY;
    /** Arrays of the types of {@link #JSON}, each element cast by it. */
    public static final Typecaster JSONARRAY = Builtins.JSONARRAY;
    /** Arrays of the types of {@link #JSONB}, each element cast by it. */
    public static final Typecaster JSONBARRAY = Builtins.JSONBARRAY;
    /** Arrays of the types of {@link #INET}, each element cast by it. */
    public static final Typecaster INETARRAY = Builtins.INETARRAY;
    /** Arrays of the types of {@link #CIDR}, each element cast by it. */
    public static final Typecaster CIDRARRAY = Builtins.CIDRARRAY;
    /** macaddr[] and macaddr8[] as Lists of Strings (psycopg2's MACADDRARRAY); their elements read as Strings anyway. */
    public static final Typecaster MACADDRARRAY = Builtins.MACADDRARRAY;
    /** Arrays of the types of {@link #MONEY}, each element cast by it. */
    public static final Typecaster MONEYARRAY = Builtins.MONEYARRAY;
    /** Arrays of the types of {@link #BINARY}, each element cast by it. */
    public static final Typecaster BINARYARRAY = Builtins.BINARYARRAY;
    /** Arrays of the types of {@link #DATE}, each element cast by it. */
    public static final Typecaster DATEARRAY = Builtins.DATEARRAY;
    /** Arrays of the types of {@link #TIME}, each element cast by it. */
    public static final Typecaster TIMEARRAY = Builtins.TIMEARRAY;
    /** Arrays of the types of {@link #TIMETZ}, each element cast by it. */
    public static final Typecaster TIMETZARRAY = Builtins.TIMETZARRAY;
    /** Arrays of the types of {@link #DATETIME}, each element cast by it. */
    public static final Typecaster DATETIMEARRAY = Builtins.DATETIMEARRAY;
    /** Arrays of the types of {@link #DATETIMETZ}, each element cast by it. */
    public static final Typecaster DATETIMETZARRAY = Builtins.DATETIMETZARRAY;
    /** Arrays of the types of {@link #INTERVAL}, each element cast by it. */
    public static final Typecaster INTERVALARRAY = Builtins.INTERVALARRAY;
    /** Arrays of the types of {@link #UUID}, each element cast by it. */
    public static final Typecaster UUIDARRAY = Builtins.UUIDARRAY;

    static final TypeRegistry GLOBAL_TYPES = new TypeRegistry();

    private Extensions() {}

    /**
     * The adapter of {@code obj}. Without a connection ({@link SqlQuote#prepare} not called), UTF-8 is assumed and
     * its literal is safe under either value of standard_conforming_strings ({@code E'...'} when it has a backslash).
     *
     * @param obj the value to adapt; null adapts to {@code NULL}
     * @return the value's adapter (psycopg2's {@code adapt(obj)})
     * @throws dev.pgreen.errors.ProgrammingException if nothing adapts it ("can't adapt type 'X'")
     * @throws dev.pgreen.errors.DataException if it is a string with a NUL character
     */
    public static SqlQuote adapt(Object obj) {
        return Adapters.adapt(obj);
    }

    /**
     * Adapts objects of {@code type}, and of its subclasses and implementations unless they have their own
     * (psycopg2's {@code register_adapter}). A later registration for the same class replaces it.
     *
     * @param <T> the adapted type
     * @param type the class or interface adapted
     * @param adapter makes the {@link SqlQuote} of a value
     */
    public static <T> void registerAdapter(Class<T> type, Function<? super T, ? extends SqlQuote> adapter) {
        Adapters.register(type, adapter);
    }

    /**
     * Removes the adapter registered for exactly {@code type}; a built-in one applies again.
     *
     * @param type the class given to {@link #registerAdapter}
     */
    public static void unregisterAdapter(Class<?> type) {
        Adapters.unregister(type);
    }

    /**
     * The literal an adapted value puts into a query, as a String: {@code quoted(adapt("it's"))} is
     * {@code 'it''s'}.
     *
     * @param q an adapted value
     * @return its {@link SqlQuote#getQuoted()}, decoded as UTF-8
     */
    public static String quoted(SqlQuote q) {
        return new String(q.getQuoted(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * A typecaster for the types with these OIDs (psycopg2's {@code new_type}); register it with
     * {@link #registerType}.
     *
     * @param oids the types' OIDs ({@code Column.typeCode()} tells a column's)
     * @param name its name, for messages
     * @param caster the conversion; it receives null for SQL NULL
     * @return the typecaster
     */
    public static Typecaster newType(int[] oids, String name, Caster caster) {
        return new Typecaster(oids, name, caster);
    }

    /**
     * A typecaster for arrays (psycopg2's new_array_type): each element, NULL included, goes through
     * {@code base}; the result is an unmodifiable List, nested for several dimensions.
     *
     * @param oids the OIDs of the array types
     * @param name its name, for messages
     * @param base the typecaster of the elements
     * @return the typecaster
     */
    public static Typecaster newArrayType(int[] oids, String name, Typecaster base) {
        return Builtins.arrayOf(oids, name, base);
    }

    /**
     * Registers a typecaster for every connection and cursor (psycopg2's {@code register_type(t)}), after
     * the connection's and the cursor's own; a later registration for an OID replaces it.
     *
     * @param t the typecaster
     */
    public static void registerType(Typecaster t) {
        GLOBAL_TYPES.register(t);
    }

    /**
     * Registers a typecaster for the cursors of one connection (psycopg2's {@code register_type(t, conn)}),
     * before the global ones.
     *
     * @param t the typecaster
     * @param conn the connection
     */
    public static void registerType(Typecaster t, Connection conn) {
        conn.types().register(t);
    }

    /**
     * Registers a typecaster for one cursor (psycopg2's {@code register_type(t, curs)}), before the
     * connection's and the global ones.
     *
     * @param t the typecaster
     * @param cur the cursor
     */
    public static void registerType(Typecaster t, Cursor cur) {
        cur.types().register(t);
    }

    /**
     * Removes a global registration, for the OIDs it still holds (not those a later registration took).
     *
     * @param t a typecaster given to {@link #registerType(Typecaster)}
     */
    public static void unregisterType(Typecaster t) {
        GLOBAL_TYPES.unregister(t);
    }

    /** The typecaster for a column: the cursor's, the connection's, the global one, then the built-in. */
    static Typecaster lookup(int oid, Cursor cur) {
        Typecaster t = cur.types().get(oid);
        if (t == null) t = cur.connection().types().get(oid);
        if (t == null) t = GLOBAL_TYPES.get(oid);
        if (t == null) t = Builtins.get(oid);
        return t == null ? Builtins.UNICODE : t;
    }
}
