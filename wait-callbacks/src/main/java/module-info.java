/**
 * Wait callbacks for pgreen beyond the driver's default: {@link dev.pgreen.wait.SelectWait}, psycopg2's
 * {@code wait_select} over a {@link java.nio.channels.Selector}, and
 * {@link dev.pgreen.wait.DeadlineWait}, which bounds every operation by a timeout.
 */
module dev.pgreen.wait {
    // The callbacks extend dev.pgreen.PollingWait: a user of this module uses the driver's types.
    requires transitive dev.pgreen;

    exports dev.pgreen.wait;
}
