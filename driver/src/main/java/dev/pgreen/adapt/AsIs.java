package dev.pgreen.adapt;

import dev.pgreen.SqlQuote;

import java.nio.charset.StandardCharsets;

/** Puts the object's {@code toString()} into the query unchanged; {@code null} becomes NULL. */
public final class AsIs implements SqlQuote {
    private final Object wrapped;

    public AsIs(Object wrapped) {
        this.wrapped = wrapped;
    }

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
