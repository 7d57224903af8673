package dev.pgreen;

/** A notification received from LISTEN; payload is {@code ""} when none was sent. */
public record Notify(int pid, String channel, String payload) {
}
