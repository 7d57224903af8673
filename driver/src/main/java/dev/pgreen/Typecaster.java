package dev.pgreen;

import dev.pgreen.typecast.BytesCaster;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A named caster for a set of type OIDs (psycopg2's typecaster object). */
public final class Typecaster {
    private final int[] oids;
    private final String name;
    private final Caster caster;
    /** The caster again when it can read the value's bytes directly (the built-ins), else null. */
    private final BytesCaster bytes;

    public Typecaster(int[] oids, String name, Caster caster) {
        if (oids == null || name == null || caster == null) {
            throw new NullPointerException("oids, name and caster are required");
        }
        this.oids = oids.clone();
        this.name = name;
        this.caster = caster;
        this.bytes = caster instanceof BytesCaster b ? b : null;
    }

    public int[] oids() {
        return oids.clone();
    }

    public String name() {
        return name;
    }

    public Object cast(String value, Cursor cur) {
        return caster.cast(value, cur);
    }

    /**
     * Casts a value from its UTF-8 text {@code buf[off, off + len)} as it arrived, {@code len < 0} for SQL NULL.
     * The built-ins parse the bytes in place; any other caster receives the decoded String.
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
