package dev.pgreen;

/** An object that adapts itself (psycopg2's {@code __conform__}). */
@FunctionalInterface
public interface Conform {
    /** Returns an {@link SqlQuote} when {@code protocol == SqlQuote.class}, else null. */
    Object conform(Class<?> protocol);
}
