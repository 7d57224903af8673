package dev.pgreen.wait;

import dev.pgreen.WaitCallback;

class SelectWaitContractTest extends WaitCallbackContract {
    @Override
    protected WaitCallback callback() {
        return new SelectWait();
    }
}
