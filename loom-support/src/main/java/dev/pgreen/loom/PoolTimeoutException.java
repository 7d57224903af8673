package dev.pgreen.loom;

import dev.pgreen.errors.OperationalException;

/** No connection became available from a {@link PgPool} within the acquire timeout. */
public class PoolTimeoutException extends OperationalException {
    /**
     * The pool's timeout passed.
     *
     * @param message names the pool and how long the caller waited
     */
    public PoolTimeoutException(String message) {
        super(message);
    }
}
