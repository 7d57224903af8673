package dev.pgreen;

import java.util.Arrays;

/** A named caster for a set of type OIDs (psycopg2's typecaster object). */
public final class Typecaster {
    private final int[] oids;
    private final String name;
    private final Caster caster;

    public Typecaster(int[] oids, String name, Caster caster) {
        if (oids == null || name == null || caster == null) {
            throw new NullPointerException("oids, name and caster are required");
        }
        this.oids = oids.clone();
        this.name = name;
        this.caster = caster;
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

    @Override
    public String toString() {
        return "Typecaster(" + name + ", " + Arrays.toString(oids) + ")";
    }
}
