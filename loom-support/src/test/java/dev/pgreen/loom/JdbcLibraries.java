package dev.pgreen.loom;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pgreen.jdbc.JdbcTesting;
import dev.pgreen.testing.TestServer;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** What the library tests share: HikariCP over a jdbc:pgreen: URL, and running code on a virtual thread. */
final class JdbcLibraries {
    private JdbcLibraries() {}

    /** A HikariCP pool configured the ordinary way, with nothing but the URL saying it is pgreen. */
    static HikariDataSource pool(TestServer server, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(JdbcTesting.url(server));
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(120_000);
        config.setPoolName("pgreen-test-" + size);
        return new HikariDataSource(config);
    }

    /** Runs {@code body} on a virtual thread and returns its result (its exception, unwrapped). */
    static <T> T onVirtualThread(Callable<T> body) throws Exception {
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<T> f = ex.submit(() -> {
                if (!Thread.currentThread().isVirtual()) {
                    throw new IllegalStateException("not on a virtual thread");
                }
                return body.call();
            });
            try {
                return f.get(120, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw e;
            }
        }
    }
}
