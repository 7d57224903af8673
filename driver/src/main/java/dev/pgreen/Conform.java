package dev.pgreen;

/**
 * An object that adapts itself to SQL (psycopg2's {@code __conform__}): {@link Extensions#adapt(Object)}
 * asks it before any adapter registered for its class.
 */
@FunctionalInterface
public interface Conform {
    /**
     * Adapts this object to {@code protocol}.
     *
     * @param protocol the protocol asked for; {@code SqlQuote.class} when the object is adapted to SQL
     * @return an {@link SqlQuote} (often {@code this}) when {@code protocol == SqlQuote.class}; null when the
     *     object does not conform, and the adapters registered for its class are tried next
     */
    Object conform(Class<?> protocol);
}
