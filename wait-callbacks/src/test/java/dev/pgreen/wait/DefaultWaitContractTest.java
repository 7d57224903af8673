package dev.pgreen.wait;

import dev.pgreen.WaitCallback;

/** The driver's own wait, used when no callback is registered. */
class DefaultWaitContractTest extends WaitCallbackContract {
    @Override
    protected WaitCallback callback() {
        return null;
    }
}
