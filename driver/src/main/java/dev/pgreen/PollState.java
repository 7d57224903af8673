package dev.pgreen;

/**
 * What {@link Connection#poll()} says (psycopg2's {@code POLL_OK}, {@code POLL_READ}, {@code POLL_WRITE}):
 * done, or wait until the channel is readable or writable and poll again.
 */
public enum PollState {
    /** The operation is done (or there is none): results can be fetched. */
    OK,
    /** Wait until {@link Connection#channel()} is readable ({@code OP_READ}), then poll again. */
    READ,
    /**
     * Wait until {@link Connection#channel()} is writable, then poll again; register
     * {@code OP_WRITE | OP_CONNECT}, as a socket still connecting reports {@code OP_CONNECT}.
     */
    WRITE
}
