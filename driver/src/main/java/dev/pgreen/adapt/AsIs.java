package dev.pgreen.adapt;

import dev.pgreen.SqlQuote;

import java.nio.charset.StandardCharsets;

/**
 * Puts the object's {@code toString()} into the query unchanged (psycopg2's {@code AsIs}); {@code null} becomes
 * NULL. Nothing is quoted or escaped: only for text that is SQL already, never for a user's input.
 */
public final class AsIs implements SqlQuote {
    private final Object wrapped;

    /**
     * Wraps {@code wrapped}.
     *
     * @param wrapped the object whose {@code toString()} is the SQL, or null for NULL
     */
    public AsIs(Object wrapped) {
        this.wrapped = wrapped;
    }

    /**
     * The wrapped object (psycopg2's {@code adapted}).
     *
     * @return the object given, or null
     */
    public Object getWrapped() {
        return wrapped;
    }

    @Override
    public byte[] getQuoted() {
        return (wrapped == null ? "NULL" : wrapped.toString()).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "AsIs(" + wrapped + ")";
    }
}
