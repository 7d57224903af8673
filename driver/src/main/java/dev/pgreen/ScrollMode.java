package dev.pgreen;

/** How {@link Cursor#scroll(int, ScrollMode)} counts. */
public enum ScrollMode {
    RELATIVE, ABSOLUTE
}
