package dev.pgreen.protocol;

import dev.pgreen.errors.DatabaseException;
import dev.pgreen.errors.Diagnostics;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.SqlStates;

import java.util.Map;

/** Turns ErrorResponse and NoticeResponse fields into exceptions and libpq-style text. */
public final class ServerErrors {
    private ServerErrors() {}

    public static DatabaseException toException(Map<Character, String> fields) {
        Diagnostics diag = new Diagnostics(fields);
        return SqlStates.toException(message(diag), diag);
    }

    /** The error for a session the server ended with a FATAL message: always an OperationalException. */
    public static OperationalException sessionEnded(Diagnostics fatal, Throwable cause) {
        DatabaseException e = SqlStates.toException(message(fatal), fatal);
        return e instanceof OperationalException op && cause == null ? op
                : new OperationalException(e.getMessage(), cause, fatal);
    }

    /**
     * The same error with its position moved back by {@code offset} characters: the driver put that
     * much text in front of the caller's SQL, and positions count in what the caller wrote.
     */
    public static DatabaseException shiftPosition(DatabaseException e, int offset) {
        String position = e.diag().position();
        if (position == null || offset == 0) {
            return e;
        }
        try {
            int shifted = Integer.parseInt(position) - offset;
            if (shifted < 1) {
                return e;
            }
            java.util.Map<Character, String> fields = new java.util.LinkedHashMap<>(e.diag().fields());
            fields.put('P', Integer.toString(shifted));
            Diagnostics diag = new Diagnostics(fields);
            return SqlStates.toException(message(diag), diag);
        } catch (NumberFormatException notANumber) {
            return e;
        }
    }

    /** The primary message with DETAIL and HINT lines, as libpq shows them after the severity. */
    public static String message(Diagnostics diag) {
        StringBuilder sb = new StringBuilder(String.valueOf(diag.messagePrimary()));
        if (diag.detail() != null) sb.append("\nDETAIL:  ").append(diag.detail());
        if (diag.hint() != null) sb.append("\nHINT:  ").append(diag.hint());
        return sb.toString();
    }

    /** A notice as libpq's default notice processor prints it, e.g. {@code "NOTICE:  text\n"}. */
    public static String formatNotice(Diagnostics diag) {
        StringBuilder sb = new StringBuilder();
        sb.append(diag.severity() == null ? "NOTICE" : diag.severity()).append(":  ")
                .append(diag.messagePrimary()).append('\n');
        if (diag.detail() != null) sb.append("DETAIL:  ").append(diag.detail()).append('\n');
        if (diag.hint() != null) sb.append("HINT:  ").append(diag.hint()).append('\n');
        return sb.toString();
    }

    public static boolean isFatal(Map<Character, String> fields) {
        String severity = fields.getOrDefault('V', fields.get('S'));
        return "FATAL".equals(severity) || "PANIC".equals(severity);
    }
}
