package dev.pgreen.loom;

import dev.pgreen.WaitCallback;
import dev.pgreen.wait.WaitCallbackContract;

/**
 * The project's wait callback contract over the shared poller: every thread,
 * platform ones included, parks with it here, so every case of the contract
 * (interrupts, cancels, notifications, large results, a frozen server, a
 * failing callback) runs through the parking path.
 */
class VirtualThreadWaitContractTest extends WaitCallbackContract {
    @Override
    protected WaitCallback callback() {
        return new VirtualThreadWait(true);
    }
}
