package dev.pgreen;

/** Turns a value's text from the server into a Java object; {@code value} is null for SQL NULL. */
@FunctionalInterface
public interface Caster {
    Object cast(String value, Cursor cur);
}
