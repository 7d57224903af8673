package dev.pgreen;

/**
 * The transaction characteristics {@link Connection#setSession} sets, and the
 * SQL that applies them: in BEGIN outside autocommit, as session defaults in
 * autocommit (as psycopg2 does). Immutable; null means the server's default.
 */
record SessionCharacteristics(IsolationLevel isolationLevel, Boolean readOnly, Boolean deferrable) {
    static final SessionCharacteristics DEFAULTS = new SessionCharacteristics(null, null, null);

    /** These settings with the non-null arguments replacing their counterparts. */
    SessionCharacteristics with(IsolationLevel level, Boolean readOnly, Boolean deferrable) {
        return new SessionCharacteristics(level != null ? level : isolationLevel,
                readOnly != null ? readOnly : this.readOnly, deferrable != null ? deferrable : this.deferrable);
    }

    boolean isDefault() {
        return isolationLevel == null && readOnly == null && deferrable == null;
    }

    String beginStatement() {
        StringBuilder sb = new StringBuilder("BEGIN");
        if (isolationLevel != null && isolationLevel.sql() != null) {
            sb.append(" ISOLATION LEVEL ").append(isolationLevel.sql());
        }
        if (readOnly != null) sb.append(readOnly ? " READ ONLY" : " READ WRITE");
        if (deferrable != null) sb.append(deferrable ? " DEFERRABLE" : " NOT DEFERRABLE");
        return sb.toString();
    }

    /** The SET statements making these settings the session's defaults (or, with {@code reset}, the server's). */
    String sessionDefaults(boolean reset) {
        String level = reset || isolationLevel == null || isolationLevel.sql() == null
                ? "DEFAULT" : "'" + isolationLevel.sql().toLowerCase() + "'";
        String ro = reset || readOnly == null ? "DEFAULT" : readOnly ? "on" : "off";
        String def = reset || deferrable == null ? "DEFAULT" : deferrable ? "on" : "off";
        return "SET default_transaction_isolation TO " + level
                + "; SET default_transaction_read_only TO " + ro
                + "; SET default_transaction_deferrable TO " + def;
    }
}
