package dev.pgreen.protocol;

import dev.pgreen.errors.PgException;

/**
 * One request in flight: it writes its messages when started, then consumes
 * the server's replies until it is complete. Messages that may arrive at any
 * time (ParameterStatus, NoticeResponse, NotificationResponse) never reach it.
 */
public interface Operation {
    void start(FrontendEncoder out);

    /** Consumes one reply; returns true when the operation is complete. */
    boolean handle(BackendMessage message, FrontendEncoder out);

    /**
     * Whether the caller must keep waiting while this operation is in flight.
     * A stream that hands data over as it comes says false once it has some.
     */
    default boolean blocksCaller() {
        return true;
    }

    /**
     * Called when the caller's deadline passes: returns true when the operation
     * can simply stop holding the caller up (it sent nothing the server must
     * answer), false when the deadline is a failure.
     */
    default boolean expire() {
        return false;
    }

    /**
     * Whether this is a statement of a pipeline, sent without a Sync: the
     * server may hold its reply back until a Sync follows, so it never holds
     * the caller up by itself (the Sync does), and a ReadyForQuery reaching it
     * means the server skipped it after an earlier error: {@link #skip()}.
     */
    default boolean pipelined() {
        return false;
    }

    /** Completes a pipelined operation the server skipped (an earlier statement failed). */
    default void skip() {
        throw new UnsupportedOperationException("only a pipelined operation can be skipped");
    }

    /** The error the operation ended with, or null when it succeeded or is not complete. */
    PgException error();
}
