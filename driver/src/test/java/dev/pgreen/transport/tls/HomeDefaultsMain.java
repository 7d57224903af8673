package dev.pgreen.transport.tls;

import dev.pgreen.Connection;
import dev.pgreen.Pgreen;
import dev.pgreen.Row;

/**
 * Run in a JVM of its own by {@link HomeDefaultsTest}, with a HOME made for the test: connects
 * to each DSN given and prints one line per DSN, {@code OK <user> <ssl version>} or
 * {@code ERR <exception> <message on one line>}.
 */
public final class HomeDefaultsMain {
    private HomeDefaultsMain() {}

    public static void main(String[] dsns) {
        for (String dsn : dsns) {
            try (Connection conn = Pgreen.connect(dsn)) {
                Row r = conn.cursor().execute("SELECT current_user, version FROM pg_stat_ssl "
                        + "WHERE pid = pg_backend_pid()").fetchOne();
                System.out.println("OK " + r.get(0) + " " + r.get(1));
            } catch (RuntimeException e) {
                System.out.println("ERR " + e.getClass().getSimpleName() + " " + e.getMessage().replace('\n', ' '));
            }
        }
    }
}
