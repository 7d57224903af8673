/**
 * pgreen on virtual threads: {@link dev.pgreen.loom.VirtualThreadWait}, a wait callback that parks a
 * virtual thread instead of blocking its carrier ({@link dev.pgreen.loom.Loom#install()} makes it the
 * global one), and {@link dev.pgreen.loom.PgPool}, a connection pool whose borrowers park while they
 * wait and whose statistics are published over JMX.
 */
module dev.pgreen.loom {
    requires transitive dev.pgreen;
    // On a platform thread VirtualThreadWait waits as dev.pgreen.wait.SelectWait does.
    requires dev.pgreen.wait;
    // PgPool's statistics MXBean (PoolStatsMXBean).
    requires java.management;

    exports dev.pgreen.loom;
}
