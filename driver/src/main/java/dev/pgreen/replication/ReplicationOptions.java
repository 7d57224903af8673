package dev.pgreen.replication;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** How to start replication: an immutable value with withers (psycopg2's start_replication arguments). */
public final class ReplicationOptions {
    private static final ReplicationOptions DEFAULTS =
            new ReplicationOptions(false, 0, 0, Map.of(), Duration.ofSeconds(10));

    private final boolean decode;
    private final long startLsn;
    private final int timeline;
    private final Map<String, String> options;
    private final Duration statusInterval;

    private ReplicationOptions(boolean decode, long startLsn, int timeline, Map<String, String> options,
                               Duration statusInterval) {
        this.decode = decode;
        this.startLsn = startLsn;
        this.timeline = timeline;
        this.options = options;
        this.statusInterval = statusInterval;
    }

    public static ReplicationOptions defaults() {
        return DEFAULTS;
    }

    public ReplicationOptions withDecode(boolean decode) {
        return new ReplicationOptions(decode, startLsn, timeline, options, statusInterval);
    }

    public ReplicationOptions withStartLsn(long startLsn) {
        return new ReplicationOptions(decode, startLsn, timeline, options, statusInterval);
    }

    public ReplicationOptions withTimeline(int timeline) {
        return new ReplicationOptions(decode, startLsn, timeline, options, statusInterval);
    }

    /** An option for the output plugin (logical replication), e.g. {@code include-xids = 0}. */
    public ReplicationOptions withOption(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(options);
        copy.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return new ReplicationOptions(decode, startLsn, timeline, Collections.unmodifiableMap(copy), statusInterval);
    }

    public ReplicationOptions withStatusInterval(Duration statusInterval) {
        if (statusInterval.isNegative() || statusInterval.isZero()) {
            throw new IllegalArgumentException("the status interval must be positive: " + statusInterval);
        }
        return new ReplicationOptions(decode, startLsn, timeline, options, statusInterval);
    }

    public boolean decode() {
        return decode;
    }

    public long startLsn() {
        return startLsn;
    }

    public int timeline() {
        return timeline;
    }

    public Map<String, String> options() {
        return options;
    }

    public Duration statusInterval() {
        return statusInterval;
    }
}
