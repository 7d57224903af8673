package dev.pgreen.protocol;

import dev.pgreen.protocol.BackendMessage.DataRow;
import dev.pgreen.protocol.BackendMessage.Field;

import java.util.List;

/**
 * The outcome of one statement: its columns (null when it returns no rows),
 * its rows as received, its command tag, and the row count libpq's
 * PQcmdTuples would read from the tag (-1 when it has none).
 */
public record QueryResult(List<Field> fields, List<DataRow> rows, String commandTag, long rowCount) {

    /** The row count is read from the tag. */
    public QueryResult(List<Field> fields, List<DataRow> rows, String commandTag) {
        this(fields, rows, commandTag, rowCount(commandTag));
    }

    /**
     * The row count in a command tag as libpq's PQcmdTuples reads it (the number after the last space of
     * {@code SELECT}, {@code INSERT}, {@code UPDATE}, {@code DELETE}, {@code MOVE}, {@code FETCH}, {@code COPY}
     * and {@code MERGE} tags), or -1 when it has none. Read in place: it runs for every statement.
     */
    public static long rowCount(String tag) {
        if (tag == null || !countsRows(tag)) {
            return -1;
        }
        int digits = tag.lastIndexOf(' ') + 1;
        if (digits == tag.length() || tag.length() - digits > 18) {
            return -1;
        }
        long n = 0;
        for (int i = digits; i < tag.length(); i++) {
            char c = tag.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private static final String[] COUNTING = {"SELECT", "INSERT", "UPDATE", "DELETE", "MOVE", "FETCH", "COPY", "MERGE"};

    private static boolean countsRows(String tag) {
        int space = tag.indexOf(' ');
        for (String verb : COUNTING) {
            if (verb.length() == space && tag.startsWith(verb)) {
                return true;
            }
        }
        return false;
    }
}
