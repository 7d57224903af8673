package dev.pgreen;

/** Makes cursors; {@code name} is null for a client-side cursor. */
@FunctionalInterface
public interface CursorFactory<T extends Cursor> {
    T create(Connection conn, String name);
}
