package dev.pgreen.replication;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to start replication: an immutable value with withers (psycopg2's {@code start_replication}
 * arguments), for {@link ReplicationCursor#startReplication(String, ReplicationOptions)}.
 */
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

    /**
     * The defaults: no decoding, start where the slot stands (LSN 0), the current timeline, no plugin
     * options, a status update every 10 seconds.
     *
     * @return the default options
     */
    public static ReplicationOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Sets whether payloads are decoded to Strings (logical replication's text output).
     *
     * @param decode true for String payloads, false for bytes
     * @return a copy with the setting
     */
    public ReplicationOptions withDecode(boolean decode) {
        return new ReplicationOptions(decode, startLsn, timeline, options, statusInterval);
    }

    /**
     * Sets where the stream starts.
     *
     * @param startLsn the WAL position ({@link Lsn#parse}); 0 for where the slot stands
     * @return a copy with the setting
     */
    public ReplicationOptions withStartLsn(long startLsn) {
        return new ReplicationOptions(decode, startLsn, timeline, options, statusInterval);
    }

    /**
     * Sets the timeline to stream (physical replication only).
     *
     * @param timeline the timeline; 0 for the server's current one
     * @return a copy with the setting
     */
    public ReplicationOptions withTimeline(int timeline) {
        return new ReplicationOptions(decode, startLsn, timeline, options, statusInterval);
    }

    /**
     * Adds an option for the output plugin (logical replication only), e.g. {@code include-xids = 0}.
     *
     * @param name the option's name
     * @param value its value
     * @return a copy with the option, after those already set
     */
    public ReplicationOptions withOption(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(options);
        copy.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return new ReplicationOptions(decode, startLsn, timeline, Collections.unmodifiableMap(copy), statusInterval);
    }

    /**
     * Sets how often a standby status update is sent while reading (psycopg2's {@code status_interval}).
     *
     * @param statusInterval the interval
     * @return a copy with the setting
     * @throws IllegalArgumentException if the interval is not positive
     */
    public ReplicationOptions withStatusInterval(Duration statusInterval) {
        if (statusInterval.isNegative() || statusInterval.isZero()) {
            throw new IllegalArgumentException("the status interval must be positive: " + statusInterval);
        }
        return new ReplicationOptions(decode, startLsn, timeline, options, statusInterval);
    }

    /**
     * Whether payloads are decoded.
     *
     * @return true for String payloads
     */
    public boolean decode() {
        return decode;
    }

    /**
     * Where the stream starts.
     *
     * @return the LSN, 0 for where the slot stands
     */
    public long startLsn() {
        return startLsn;
    }

    /**
     * The timeline to stream.
     *
     * @return the timeline, 0 for the current one
     */
    public int timeline() {
        return timeline;
    }

    /**
     * The output plugin's options.
     *
     * @return the options in the order they were added; unmodifiable
     */
    public Map<String, String> options() {
        return options;
    }

    /**
     * How often a status update is sent.
     *
     * @return the interval, 10 seconds by default
     */
    public Duration statusInterval() {
        return statusInterval;
    }
}
