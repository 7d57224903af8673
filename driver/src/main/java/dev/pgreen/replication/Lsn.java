package dev.pgreen.replication;

import dev.pgreen.errors.DataException;

/**
 * Log sequence numbers (WAL positions): {@code long} values, written as PostgreSQL writes {@code pg_lsn}, two
 * hex halves such as {@code 16/B374D848}.
 */
public final class Lsn {
    private Lsn() {}

    /**
     * Reads an LSN in PostgreSQL's form.
     *
     * @param text the two halves, e.g. {@code 16/B374D848}
     * @return the LSN
     * @throws DataException if {@code text} is not two hex numbers of at most 32 bits each, separated by a slash
     */
    public static long parse(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1) {
            throw new DataException("invalid LSN \"" + text + "\": expected two hex numbers like 16/B374D848");
        }
        try {
            long hi = Long.parseLong(text, 0, slash, 16);
            long lo = Long.parseLong(text, slash + 1, text.length(), 16);
            if (hi < 0 || hi > 0xffffffffL || lo < 0 || lo > 0xffffffffL) {
                throw new NumberFormatException();
            }
            return (hi << 32) | lo;
        } catch (NumberFormatException e) {
            throw new DataException("invalid LSN \"" + text + "\": expected two hex numbers like 16/B374D848");
        }
    }

    /**
     * Writes an LSN in PostgreSQL's form.
     *
     * @param lsn the LSN
     * @return the two halves in upper-case hex, e.g. {@code 16/B374D848}
     */
    public static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xffffffffL).toUpperCase();
    }
}
