package dev.pgreen.loom;

import dev.pgreen.Connection;
import dev.pgreen.Pgreen;
import dev.pgreen.WaitCallback;

/**
 * One call to make pgreen green on virtual threads.
 *
 * <pre>{@code
 * Loom.install();                       // every connection, including while it connects
 * Loom.install(conn);                   // or one connection, from now on
 * }</pre>
 *
 * <p>Prefer the global form: a connection's own callback can only be set once
 * the connection exists, so its connect (start-up and authentication) waits
 * through the global callback, or the driver's blocking default when none is set.
 */
public final class Loom {
    private static final VirtualThreadWait WAIT = new VirtualThreadWait();

    private Loom() {}

    /**
     * The shared wait {@link #install()} registers.
     *
     * @return the shared {@link VirtualThreadWait}
     */
    public static VirtualThreadWait waitCallback() {
        return WAIT;
    }

    /** Registers the virtual-thread wait globally ({@link Pgreen#setWaitCallback}). */
    public static void install() {
        Pgreen.setWaitCallback(WAIT);
    }

    /**
     * Registers the virtual-thread wait for one connection ({@link Connection#setWaitCallback}).
     *
     * @param <C> the connection's type
     * @param conn the connection
     * @return {@code conn}, for chaining
     */
    public static <C extends Connection> C install(C conn) {
        conn.setWaitCallback(WAIT);
        return conn;
    }

    /** Removes the global registration if it is a {@link VirtualThreadWait}; another callback is left alone. */
    public static void uninstall() {
        if (Pgreen.getWaitCallback() instanceof VirtualThreadWait) {
            Pgreen.setWaitCallback(null);
        }
    }

    /**
     * Whether the global wait callback is a {@link VirtualThreadWait}.
     *
     * @return true after {@link #install()} (or any global registration of a VirtualThreadWait)
     */
    public static boolean isInstalled() {
        WaitCallback cb = Pgreen.getWaitCallback();
        return cb instanceof VirtualThreadWait;
    }
}
