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
    // The built-in typecasters, named as psycopg2 names them; API.md section 5 gives their Java types.
    public static final Typecaster BOOLEAN = Builtins.BOOLEAN;
    public static final Typecaster INTEGER = Builtins.INTEGER;
    public static final Typecaster LONGINTEGER = Builtins.LONGINTEGER;
    public static final Typecaster FLOAT = Builtins.FLOAT;
    public static final Typecaster DECIMAL = Builtins.DECIMAL;
    public static final Typecaster UNICODE = Builtins.UNICODE;
    public static final Typecaster JSON = Builtins.JSON;
    public static final Typecaster JSONB = Builtins.JSONB;
    public static final Typecaster INET = Builtins.INET;
    public static final Typecaster CIDR = Builtins.CIDR;
    public static final Typecaster MONEY = Builtins.MONEY;
    public static final Typecaster BINARY = Builtins.BINARY;
    public static final Typecaster DATE = Builtins.DATE;
    public static final Typecaster TIME = Builtins.TIME;
    public static final Typecaster TIMETZ = Builtins.TIMETZ;
    public static final Typecaster DATETIME = Builtins.DATETIME;
    public static final Typecaster DATETIMETZ = Builtins.DATETIMETZ;
    public static final Typecaster INTERVAL = Builtins.INTERVAL;
    public static final Typecaster UUID = Builtins.UUID;

    // Arrays of each: unmodifiable Lists.
    public static final Typecaster BOOLEANARRAY = Builtins.BOOLEANARRAY;
    public static final Typecaster INTEGERARRAY = Builtins.INTEGERARRAY;
    public static final Typecaster LONGINTEGERARRAY = Builtins.LONGINTEGERARRAY;
    public static final Typecaster FLOATARRAY = Builtins.FLOATARRAY;
    public static final Typecaster DECIMALARRAY = Builtins.DECIMALARRAY;
    public static final Typecaster UNICODEARRAY = Builtins.UNICODEARRAY;
    public static final Typecaster JSONARRAY = Builtins.JSONARRAY;
    public static final Typecaster JSONBARRAY = Builtins.JSONBARRAY;
    public static final Typecaster INETARRAY = Builtins.INETARRAY;
    public static final Typecaster CIDRARRAY = Builtins.CIDRARRAY;
    /** macaddr[] and macaddr8[] as Lists of Strings (psycopg2's MACADDRARRAY); their elements read as Strings anyway. */
    public static final Typecaster MACADDRARRAY = Builtins.MACADDRARRAY;
    public static final Typecaster MONEYARRAY = Builtins.MONEYARRAY;
    public static final Typecaster BINARYARRAY = Builtins.BINARYARRAY;
    public static final Typecaster DATEARRAY = Builtins.DATEARRAY;
    public static final Typecaster TIMEARRAY = Builtins.TIMEARRAY;
    public static final Typecaster TIMETZARRAY = Builtins.TIMETZARRAY;
    public static final Typecaster DATETIMEARRAY = Builtins.DATETIMEARRAY;
    public static final Typecaster DATETIMETZARRAY = Builtins.DATETIMETZARRAY;
    public static final Typecaster INTERVALARRAY = Builtins.INTERVALARRAY;
    public static final Typecaster UUIDARRAY = Builtins.UUIDARRAY;

    static final TypeRegistry GLOBAL_TYPES = new TypeRegistry();

    private Extensions() {}

    /**
     * The adapter of {@code obj}. Without a connection ({@link SqlQuote#prepare} not called), UTF-8 is assumed and
     * its literal is safe under either value of standard_conforming_strings ({@code E'...'} when it has a backslash).
     */
    public static SqlQuote adapt(Object obj) {
        return Adapters.adapt(obj);
    }

    /** Adapts objects of {@code type} (and of its subclasses and implementations, unless they have their own). */
    public static <T> void registerAdapter(Class<T> type, Function<? super T, ? extends SqlQuote> adapter) {
        Adapters.register(type, adapter);
    }

    public static void unregisterAdapter(Class<?> type) {
        Adapters.unregister(type);
    }

    /** The literal an adapted value puts into a query, as a String (UTF-8). */
    public static String quoted(SqlQuote q) {
        return new String(q.getQuoted(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A typecaster for the type OIDs (psycopg2's new_type); {@code caster} receives null for SQL NULL. */
    public static Typecaster newType(int[] oids, String name, Caster caster) {
        return new Typecaster(oids, name, caster);
    }

    /**
     * A typecaster for arrays (psycopg2's new_array_type): each element, NULL included, goes through
     * {@code base}; the result is an unmodifiable List, nested for several dimensions.
     */
    public static Typecaster newArrayType(int[] oids, String name, Typecaster base) {
        return Builtins.arrayOf(oids, name, base);
    }

    /** Registers a typecaster for every connection and cursor; a later registration for an OID replaces it. */
    public static void registerType(Typecaster t) {
        GLOBAL_TYPES.register(t);
    }

    /** Registers a typecaster for the cursors of one connection, before the global ones. */
    public static void registerType(Typecaster t, Connection conn) {
        conn.types().register(t);
    }

    /** Registers a typecaster for one cursor, before the connection's and the global ones. */
    public static void registerType(Typecaster t, Cursor cur) {
        cur.types().register(t);
    }

    /** Removes a global registration (for the OIDs it still holds). */
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
