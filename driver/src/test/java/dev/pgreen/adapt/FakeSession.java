package dev.pgreen.adapt;

import dev.pgreen.Connection;

import java.lang.reflect.Constructor;
import java.util.HashMap;
import java.util.Map;

/**
 * A Connection whose constructor never runs (no server), built through the JDK's serialization constructor;
 * it only answers {@link #parameterStatus}, which is all that {@code prepare} reads.
 */
final class FakeSession extends Connection {
    private Map<String, String> parameters;

    private FakeSession() {
        super(null); // never called
    }

    @Override
    public String parameterStatus(String name) {
        return parameters.get(name);
    }

    static Connection with(String standardConformingStrings) {
        return with(standardConformingStrings, "UTF8");
    }

    static Connection with(String standardConformingStrings, String clientEncoding) {
        try {
            Class<?> rf = Class.forName("sun.reflect.ReflectionFactory");
            Object factory = rf.getMethod("getReflectionFactory").invoke(null);
            Constructor<?> ctor = (Constructor<?>) rf
                    .getMethod("newConstructorForSerialization", Class.class, Constructor.class)
                    .invoke(factory, FakeSession.class, Object.class.getDeclaredConstructor());
            FakeSession conn = (FakeSession) ctor.newInstance();
            conn.parameters = new HashMap<>();
            conn.parameters.put("standard_conforming_strings", standardConformingStrings);
            conn.parameters.put("client_encoding", clientEncoding);
            return conn;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot build a fake connection", e);
        }
    }
}
