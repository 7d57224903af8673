package dev.pgreen.errors;

import java.util.Set;

/**
 * Chooses the exception class for a server error from its SQLSTATE: the exact
 * code first, then its two-character class, following psycopg2's table.
 */
public final class SqlStates {
    public static final String QUERY_CANCELED = "57014";
    public static final String ADMIN_SHUTDOWN = "57P01";
    public static final String CRASH_SHUTDOWN = "57P02";
    public static final String CANNOT_CONNECT_NOW = "57P03";
    public static final String IDLE_SESSION_TIMEOUT = "57P05";

    private static final Set<String> OPERATIONAL = Set.of(
            "08", "26", "27", "28", "34", "53", "54", "55", "57", "58", "HV");
    private static final Set<String> PROGRAMMING = Set.of("20", "21", "3D", "3F", "42", "44");
    private static final Set<String> INTERNAL = Set.of(
            "24", "25", "2B", "2D", "2F", "38", "39", "3B", "F0", "P0", "XX");

    private SqlStates() {}

    /** Builds the exception psycopg2 would raise for this error. */
    public static DatabaseException toException(String message, Diagnostics diag) {
        String code = diag.sqlState();
        if (code == null || code.length() < 2) {
            return new DatabaseException(message, null, diag);
        }
        if (code.equals(QUERY_CANCELED)) {
            return new QueryCanceledException(message, null, diag);
        }
        String cls = code.substring(0, 2);
        if (cls.equals("02") || cls.equals("22")) return new DataException(message, null, diag);
        if (cls.equals("40")) return new TransactionRollbackException(message, null, diag);
        if (OPERATIONAL.contains(cls)) return new OperationalException(message, null, diag);
        if (cls.equals("0A")) return new NotSupportedException(message, null, diag);
        if (PROGRAMMING.contains(cls)) return new ProgrammingException(message, null, diag);
        if (cls.equals("23")) return new IntegrityException(message, null, diag);
        if (INTERNAL.contains(cls)) return new InternalException(message, null, diag);
        return new DatabaseException(message, null, diag);
    }

    /**
     * Whether an error with this SQLSTATE means the server is ending the session,
     * so the connection must be closed rather than reused.
     */
    public static boolean isFatalForConnection(String code, String severity) {
        if ("FATAL".equals(severity) || "PANIC".equals(severity)) return true;
        return code != null && (code.startsWith("08") || code.equals(ADMIN_SHUTDOWN)
                || code.equals(CRASH_SHUTDOWN) || code.equals(CANNOT_CONNECT_NOW)
                || code.equals(IDLE_SESSION_TIMEOUT));
    }
}
