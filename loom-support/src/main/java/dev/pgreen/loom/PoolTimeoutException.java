package dev.pgreen.loom;

import dev.pgreen.errors.OperationalException;

/** No connection became available from a {@link PgPool} within the acquire timeout. */
public class PoolTimeoutException extends OperationalException {
    public PoolTimeoutException(String message) {
        super(message);
    }
}
