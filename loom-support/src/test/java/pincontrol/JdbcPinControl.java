package pincontrol;

/**
 * The JDBC pinning test's positive control ({@link PinControl}'s twin: a class initialises once per JVM,
 * and each recording needs its own): a virtual thread that initialises it parks in a class initializer.
 */
public final class JdbcPinControl {
    static {
        try {
            Thread.sleep(30);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private JdbcPinControl() {}

    public static void touch() {
        // Nothing: the work is in the initializer.
    }
}
