package dev.pgreen.typecast;

import dev.pgreen.Typecaster;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Typecasters by OID for one scope: a cursor, a connection, or the global one. */
public final class TypeRegistry {
    private final Map<Integer, Typecaster> byOid = new ConcurrentHashMap<>();

    public void register(Typecaster t) {
        for (int oid : t.oids()) {
            byOid.put(oid, t);
        }
    }

    public void unregister(Typecaster t) {
        for (int oid : t.oids()) {
            byOid.remove(oid, t);
        }
    }

    public Typecaster get(int oid) {
        return byOid.isEmpty() ? null : byOid.get(oid);
    }
}
