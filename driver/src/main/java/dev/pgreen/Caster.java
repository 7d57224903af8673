package dev.pgreen;

/**
 * Turns a value's text from the server into a Java object (psycopg2's typecaster function
 * {@code f(value, cur)}). Given to {@link Extensions#newType(int[], String, Caster)}.
 */
@FunctionalInterface
public interface Caster {
    /**
     * Converts one value.
     *
     * @param value the value's text as the server sent it, or null for SQL NULL
     * @param cur the cursor fetching the row (its connection tells the session's settings)
     * @return the Java object for the value; a caster decides what NULL becomes (usually null)
     */
    Object cast(String value, Cursor cur);
}
