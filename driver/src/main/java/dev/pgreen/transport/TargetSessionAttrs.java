package dev.pgreen.transport;

import java.util.Locale;

/**
 * libpq's {@code target_session_attrs}: which kind of server a connection accepts among the hosts
 * it tries. {@link #PREFER_STANDBY} accepts a standby first and, when none of the hosts is one,
 * any of them in a second pass.
 */
public enum TargetSessionAttrs {
    ANY, READ_WRITE, READ_ONLY, PRIMARY, STANDBY, PREFER_STANDBY;

    /** The setting's spelling, e.g. {@code read-write}. */
    public String setting() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The value for a setting, or null when it is not one of libpq's. */
    static TargetSessionAttrs of(String setting) {
        for (TargetSessionAttrs t : values()) {
            if (t.setting().equals(setting)) {
                return t;
            }
        }
        return null;
    }
}
