package dev.pgreen.protocol;

import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.PgException;

/**
 * Waiting for a NotificationResponse on an idle session. It sends nothing, so
 * it can be abandoned at any moment without desynchronising the stream; the
 * core completes it when a notification arrives.
 */
public final class NotificationWait implements Operation {
    @Override
    public void start(FrontendEncoder out) {
    }

    @Override
    public boolean handle(BackendMessage message, FrontendEncoder out) {
        throw new InterfaceException("protocol error: unexpected " + message.getClass().getSimpleName()
                + " while waiting for notifications");
    }

    @Override
    public boolean expire() {
        return true;
    }

    @Override
    public PgException error() {
        return null;
    }
}
