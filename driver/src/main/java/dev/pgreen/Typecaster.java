package dev.pgreen;

import dev.pgreen.typecast.BytesCaster;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A named caster for a set of type OIDs (psycopg2's typecaster object, made by {@code new_type}): what
 * {@link Extensions#newType}, {@link Extensions#newArrayType} and the constants of {@link Extensions}
 * are, and what {@link Extensions#registerType} takes.
 */
public final class Typecaster {
    private final int[] oids;
    private final String name;
    private final Caster caster;
    /** The caster again when it can read the value's bytes directly (the built-ins), else null. */
    private final BytesCaster bytes;

    /**
     * A typecaster; {@link Extensions#newType} is the usual way to make one.
     *
     * @param oids the OIDs of the types it converts; copied
     * @param name its name, for messages
     * @param caster the conversion
     * @throws NullPointerException if an argument is null
     */
    public Typecaster(int[] oids, String name, Caster caster) {
        if (oids == null || name == null || caster == null) {
            throw new NullPointerException("oids, name and caster are required");
        }
        this.oids = oids.clone();
        this.name = name;
        this.caster = caster;
        this.bytes = caster instanceof BytesCaster b ? b : null;
    }

    /**
     * The OIDs of the types it converts.
     *
     * @return a copy of the OIDs
     */
    public int[] oids() {
        return oids.clone();
    }

    /**
     * The typecaster's name, such as {@code INTEGER}.
     *
     * @return the name given when it was made
     */
    public String name() {
        return name;
    }

    /**
     * Converts one value from its text.
     *
     * @param value the value's text as the server sent it, or null for SQL NULL
     * @param cur the cursor fetching the row
     * @return the Java object
     */
    public Object cast(String value, Cursor cur) {
        return caster.cast(value, cur);
    }

    /**
     * Casts a value from its UTF-8 text {@code buf[off, off + len)} as it arrived, {@code len < 0} for SQL NULL.
     * The built-ins parse the bytes in place; any other caster receives the decoded String.
     *
     * @param buf holds the value's text
     * @param off where the text starts in {@code buf}
     * @param len the text's length in bytes, or negative for SQL NULL
     * @param cur the cursor fetching the row
     * @return the Java object
     */
    public Object cast(byte[] buf, int off, int len, Cursor cur) {
        if (len < 0) {
            return caster.cast(null, cur);
        }
        BytesCaster b = bytes;
        return b != null ? b.cast(buf, off, len, cur) : caster.cast(new String(buf, off, len, StandardCharsets.UTF_8), cur);
    }

    @Override
    public String toString() {
        return "Typecaster(" + name + ", " + Arrays.toString(oids) + ")";
    }
}
