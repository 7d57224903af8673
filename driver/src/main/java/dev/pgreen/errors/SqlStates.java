package dev.pgreen.errors;

import java.util.Set;

/**
 * Chooses the exception class for a server error from its SQLSTATE: the exact
 * code first, then its two-character class, following psycopg2's table.
 */
public final class SqlStates {
    /** {@code query_canceled}: raised as {@link QueryCanceledException}. */
    public static final String QUERY_CANCELED = "57014";
    /** {@code admin_shutdown}: the server is shutting down or terminated the backend; the session is over. */
    public static final String ADMIN_SHUTDOWN = "57P01";
    /** {@code crash_shutdown}: another backend crashed and the server is restarting; the session is over. */
    public static final String CRASH_SHUTDOWN = "57P02";
    /** {@code cannot_connect_now}: the server is starting up or in recovery and refuses connections. */
    public static final String CANNOT_CONNECT_NOW = "57P03";
    /** {@code idle_session_timeout}: the session sat idle longer than the server allows; it is over. */
    public static final String IDLE_SESSION_TIMEOUT = "57P05";

    private static final Set<String> OPERATIONAL = Set.of(
            "08", "26", "27", "28", "34", "53", "54", "55", "57", "58", "HV");
    private static final Set<String> PROGRAMMING = Set.of("20", "21", "3D", "3F", "42", "44");
    private static final Set<String> INTERNAL = Set.of(
            "24", "25", "2B", "2D", "2F", "38", "39", "3B", "F0", "P0", "XX");

    private SqlStates() {}

    /**
     * Builds the exception psycopg2 would raise for a server error: 57014 is a
     * {@link QueryCanceledException}; otherwise the class of the code decides (02, 22 → Data; 40 →
     * TransactionRollback; 08, 26, 27, 28, 34, 53, 54, 55, 57, 58, HV → Operational; 0A → NotSupported;
     * 20, 21, 3D, 3F, 42, 44 → Programming; 23 → Integrity; 24, 25, 2B, 2D, 2F, 38, 39, 3B, F0, P0, XX →
     * Internal), and anything else is a plain {@link DatabaseException}.
     *
     * @param message the exception's message
     * @param diag the error's fields; its {@link Diagnostics#sqlState()} chooses the class
     * @return the exception, not thrown
     */
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
     * Whether an error means the server is ending the session, so the connection must be closed rather
     * than reused: severity FATAL or PANIC, a connection exception (class 08), or one of
     * {@link #ADMIN_SHUTDOWN}, {@link #CRASH_SHUTDOWN}, {@link #CANNOT_CONNECT_NOW},
     * {@link #IDLE_SESSION_TIMEOUT}.
     *
     * @param code the error's SQLSTATE, or null
     * @param severity the error's non-localized severity, or null
     * @return true when the connection is unusable after this error
     */
    public static boolean isFatalForConnection(String code, String severity) {
        if ("FATAL".equals(severity) || "PANIC".equals(severity)) return true;
        return code != null && (code.startsWith("08") || code.equals(ADMIN_SHUTDOWN)
                || code.equals(CRASH_SHUTDOWN) || code.equals(CANNOT_CONNECT_NOW)
                || code.equals(IDLE_SESSION_TIMEOUT));
    }
}
