package dev.pgreen;

import dev.pgreen.adapt.Adapters;
import dev.pgreen.typecast.Builtins;
import dev.pgreen.typecast.TypeRegistry;

import java.util.function.Function;

/** Adaptation and typecasting (psycopg2.extensions), as static methods. */
public final class Extensions {
    public static final Typecaster BOOLEAN = Builtins.BOOLEAN;
    public static final Typecaster INTEGER = Builtins.INTEGER;
    public static final Typecaster LONGINTEGER = Builtins.LONGINTEGER;
    public static final Typecaster FLOAT = Builtins.FLOAT;
    public static final Typecaster DECIMAL = Builtins.DECIMAL;
    public static final Typecaster UNICODE = Builtins.UNICODE;
    public static final Typecaster BINARY = Builtins.BINARY;
    public static final Typecaster DATE = Builtins.DATE;
    public static final Typecaster TIME = Builtins.TIME;
    public static final Typecaster TIMETZ = Builtins.TIMETZ;
    public static final Typecaster DATETIME = Builtins.DATETIME;
    public static final Typecaster DATETIMETZ = Builtins.DATETIMETZ;
    public static final Typecaster INTERVAL = Builtins.INTERVAL;
    public static final Typecaster UUID = Builtins.UUID;

    static final TypeRegistry GLOBAL_TYPES = new TypeRegistry();

    private Extensions() {}

    public static SqlQuote adapt(Object obj) {
        return Adapters.adapt(obj);
    }

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

    public static Typecaster newType(int[] oids, String name, Caster caster) {
        return new Typecaster(oids, name, caster);
    }

    public static Typecaster newArrayType(int[] oids, String name, Typecaster base) {
        return Builtins.arrayOf(oids, name, base);
    }

    public static void registerType(Typecaster t) {
        GLOBAL_TYPES.register(t);
    }

    public static void registerType(Typecaster t, Connection conn) {
        conn.types().register(t);
    }

    public static void registerType(Typecaster t, Cursor cur) {
        cur.types().register(t);
    }

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
