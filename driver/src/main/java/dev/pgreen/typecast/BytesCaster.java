package dev.pgreen.typecast;

import dev.pgreen.Cursor;

/**
 * The fast path of the built-in casters: a value cast straight from the bytes of the DataRow that carried it,
 * so that an int, a numeric or a timestamp never goes through an intermediate String. {@link dev.pgreen.Typecaster}
 * uses it when its {@link dev.pgreen.Caster} also implements this interface; every other caster keeps receiving
 * Strings. Not part of the API contract.
 */
public interface BytesCaster {
    /** Casts the UTF-8 text {@code buf[off, off + len)} of a non-NULL value. */
    Object cast(byte[] buf, int off, int len, Cursor cur);
}
