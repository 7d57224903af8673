package pincontrol;

/**
 * The pinning tests' positive control, outside package dev.pgreen on purpose: a
 * virtual thread that initialises this class parks inside a class initializer,
 * where it cannot unmount (on JDK 21 and 25 alike), so the recording must show
 * one jdk.VirtualThreadPinned event here. Proves the recording sees pinning at all.
 */
public final class PinControl {
    static {
        try {
            Thread.sleep(30);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private PinControl() {}

    /**
     * Calling it initialises the class; call it first from a virtual thread (and nothing
     * else of this class before, which would initialise it on the caller's thread).
     */
    public static void touch() {
        // Nothing: the work is in the initializer.
    }
}
