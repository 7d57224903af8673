package dev.pgreen.testing;

import dev.pgreen.Pgreen;
import dev.pgreen.WaitCallback;

import java.util.Map;

/**
 * Installs the wait callback named by {@code PGREEN_TEST_WAIT} globally, so the
 * whole suite can run over any of the project's callbacks: {@code select},
 * {@code loom}, or a class name. Unset or {@code default}: the driver's own wait.
 */
public final class TestWait {
    private static final Map<String, String> ALIASES = Map.of(
            "select", "dev.pgreen.wait.SelectWait",
            "deadline", "dev.pgreen.wait.DeadlineWait",
            "loom", "dev.pgreen.loom.VirtualThreadWait");

    private static volatile WaitCallback configured;

    private TestWait() {}

    /** The callback the environment asks for, or null for the driver's default. */
    public static WaitCallback configured() {
        String name = System.getenv("PGREEN_TEST_WAIT");
        if (name == null || name.isBlank() || name.equals("default")) {
            return null;
        }
        WaitCallback cb = configured;
        if (cb == null) {
            String className = ALIASES.getOrDefault(name, name);
            try {
                cb = (WaitCallback) Class.forName(className).getConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("PGREEN_TEST_WAIT=" + name + ": cannot create " + className
                        + " (is its module on the test classpath?)", e);
            }
            configured = cb;
            System.err.println("pgreen tests: wait callback " + className + " installed globally");
        }
        return cb;
    }

    /** Installs the configured callback globally (or none); tests that change it call this to restore it. */
    public static void install() {
        Pgreen.setWaitCallback(configured());
    }
}
