package dev.pgreen.typecast;

import dev.pgreen.Typecaster;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Typecasters by OID for one scope: a cursor, a connection, or the global one. */
public final class TypeRegistry {
    /** Registrations and removals in any registry so far: casters looked up before a change may be outdated. */
    private static final AtomicLong CHANGES = new AtomicLong();

    private final Map<Integer, Typecaster> byOid = new ConcurrentHashMap<>();

    public void register(Typecaster t) {
        for (int oid : t.oids()) {
            byOid.put(oid, t);
        }
        CHANGES.incrementAndGet();
    }

    public void unregister(Typecaster t) {
        for (int oid : t.oids()) {
            byOid.remove(oid, t);
        }
        CHANGES.incrementAndGet();
    }

    /**
     * How many registrations and removals all registries have seen: a cursor keeps the casters it looked up
     * for a result shape until this changes.
     */
    public static long changes() {
        return CHANGES.get();
    }

    public Typecaster get(int oid) {
        return byOid.isEmpty() ? null : byOid.get(oid);
    }
}
