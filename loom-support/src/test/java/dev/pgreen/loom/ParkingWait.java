package dev.pgreen.loom;

/**
 * {@link VirtualThreadWait} that parks platform threads with the shared poller
 * too, for running whole suites (the driver's, written for platform threads)
 * through the poller: {@code PGREEN_TEST_WAIT=dev.pgreen.loom.ParkingWait}.
 */
public final class ParkingWait extends VirtualThreadWait {
    public ParkingWait() {
        super(true);
    }
}
