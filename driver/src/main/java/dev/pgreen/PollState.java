package dev.pgreen;

/** What {@link Connection#poll()} says: done, or wait until the channel is readable or writable. */
public enum PollState {
    OK, READ, WRITE
}
