package dev.pgreen;

/** How {@link Cursor#scroll(int, ScrollMode)} counts (psycopg2's {@code mode='relative'} or {@code 'absolute'}). */
public enum ScrollMode {
    /** From the current position: {@code scroll(1, RELATIVE)} skips one row. */
    RELATIVE,
    /** From the start of the result: {@code scroll(0, ABSOLUTE)} goes back before the first row. */
    ABSOLUTE
}
