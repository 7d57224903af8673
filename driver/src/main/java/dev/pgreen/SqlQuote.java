package dev.pgreen;

/**
 * A Java value adapted to SQL (psycopg2's {@code ISQLQuote}): what {@link Extensions#adapt(Object)} returns
 * and what an adapter registered with {@link Extensions#registerAdapter} makes.
 */
public interface SqlQuote {
    /**
     * The value as an SQL literal, ready to be put into a query: {@code 'it''s'}, {@code 42},
     * {@code '\x0102'::bytea}, {@code NULL}.
     *
     * @return the literal's bytes in the connection's encoding (UTF-8)
     */
    byte[] getQuoted();

    /**
     * Lets the value learn the connection's settings (its encoding, {@code standard_conforming_strings})
     * before {@link #getQuoted()}; called when a connection is at hand (execute, mogrify). The default
     * does nothing.
     *
     * @param conn the connection the literal is for
     */
    default void prepare(Connection conn) {
    }
}
