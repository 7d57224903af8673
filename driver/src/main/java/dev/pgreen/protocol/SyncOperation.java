package dev.pgreen.protocol;

import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.PgException;
import dev.pgreen.protocol.BackendMessage.ErrorResponse;
import dev.pgreen.protocol.BackendMessage.ReadyForQuery;

/**
 * The Sync that ends a stretch of a pipeline: the server answers it with
 * ReadyForQuery once every statement before it is answered (or skipped). It
 * can fail by itself: closing the implicit transaction runs deferred checks.
 */
public final class SyncOperation implements Operation {
    private PgException error;

    @Override
    public void start(FrontendEncoder out) {
        out.sync();
    }

    @Override
    public boolean handle(BackendMessage m, FrontendEncoder out) {
        switch (m) {
            case ErrorResponse e -> {
                if (error == null) error = ServerErrors.toException(e.fields());
            }
            case ReadyForQuery z -> {
                return true;
            }
            default -> throw new InterfaceException("protocol error: unexpected "
                    + m.getClass().getSimpleName() + " in reply to a pipeline's Sync");
        }
        return false;
    }

    @Override
    public PgException error() {
        return error;
    }
}
