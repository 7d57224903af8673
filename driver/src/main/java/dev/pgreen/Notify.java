package dev.pgreen;

/**
 * A notification received from LISTEN (psycopg2's {@code Notify}): what {@link Connection#notifies()}
 * collects.
 *
 * @param pid the process ID of the server backend that sent the NOTIFY
 * @param channel the channel it was sent on
 * @param payload the payload, {@code ""} when none was sent
 */
public record Notify(int pid, String channel, String payload) {
}
