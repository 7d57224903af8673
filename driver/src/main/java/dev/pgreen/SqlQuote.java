package dev.pgreen;

/** A Java value adapted to SQL (psycopg2's {@code ISQLQuote}). */
public interface SqlQuote {
    /** The SQL literal, in the connection's encoding (UTF-8). */
    byte[] getQuoted();

    /** Called with the connection before {@link #getQuoted()} when one is at hand. */
    default void prepare(Connection conn) {
    }
}
