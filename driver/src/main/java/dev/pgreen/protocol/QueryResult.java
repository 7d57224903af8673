package dev.pgreen.protocol;

import dev.pgreen.protocol.BackendMessage.DataRow;
import dev.pgreen.protocol.BackendMessage.Field;

import java.util.List;

/**
 * The outcome of one statement: its columns (null when it returns no rows),
 * its rows as received, and its command tag.
 */
public record QueryResult(List<Field> fields, List<DataRow> rows, String commandTag) {

    /** The row count libpq's PQcmdTuples would give, or -1 when the tag has none. */
    public long rowCount() {
        if (commandTag == null) {
            return -1;
        }
        int space = commandTag.lastIndexOf(' ');
        if (space < 0) {
            return -1;
        }
        String verb = commandTag.substring(0, commandTag.indexOf(' '));
        switch (verb) {
            case "SELECT", "INSERT", "UPDATE", "DELETE", "MOVE", "FETCH", "COPY", "MERGE" -> { }
            default -> {
                return -1;
            }
        }
        try {
            return Long.parseLong(commandTag.substring(space + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
