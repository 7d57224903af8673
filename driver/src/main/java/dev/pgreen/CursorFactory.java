package dev.pgreen;

/**
 * Makes cursors (psycopg2's {@code cursor_factory}), for {@link Connection#cursor(CursorFactory)} and
 * {@link Connection#setCursorFactory(CursorFactory)}: e.g. {@code LoggingCursor::new}, since every
 * {@code Cursor} subclass has a public constructor {@code (Connection conn, String name)}.
 *
 * @param <T> the type of cursor made
 */
@FunctionalInterface
public interface CursorFactory<T extends Cursor> {
    /**
     * Makes a cursor.
     *
     * @param conn the connection the cursor runs on
     * @param name the name of a server-side (named) cursor, or null for a client-side cursor
     * @return the cursor, open
     */
    T create(Connection conn, String name);
}
