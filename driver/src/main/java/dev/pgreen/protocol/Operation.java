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

    /** The error the operation ended with, or null when it succeeded or is not complete. */
    PgException error();
}
