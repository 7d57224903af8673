package dev.pgreen.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.images.builder.Transferable;

/**
 * The Testcontainers server ({@code postgres:15}). Every Testcontainers reference lives in this class, which
 * {@link TestServer} only touches after a cheap check that a Docker engine may exist, and inside a
 * {@code catch (LinkageError)} in case Testcontainers is not on the class path.
 */
final class ContainerServer implements TestServer.Backend {
    private static final AtomicInteger SCRIPTS = new AtomicInteger();

    final PostgreSQLContainer<?> container;

    private ContainerServer(PostgreSQLContainer<?> container) {
        this.container = container;
    }

    /** True when DOCKER_HOST is set or /var/run/docker.sock exists, and the Docker engine answers. */
    static boolean dockerAvailable() {
        if (System.getenv("DOCKER_HOST") == null && !Files.exists(Path.of("/var/run/docker.sock"))) return false;
        return DockerClientFactory.instance().isDockerAvailable();
    }

    static ContainerServer start() {
        PostgreSQLContainer<?> c = new PostgreSQLContainer<>("postgres:15")
                .withUsername(TestRoles.SUPERUSER)
                .withPassword(TestRoles.PASSWORD)
                .withDatabaseName(TestRoles.DATABASE);
        c.withCommand("postgres", "-c", "fsync=off", "-c", "wal_level=logical", "-c", "max_connections=300",
                "-c", "max_wal_senders=20", "-c", "max_replication_slots=20");
        c.start();
        ContainerServer server = new ContainerServer(c);
        try {
            // The image's pg_hba.conf uses scram for every host: replace it with the per-method rules.
            // Clients reach the container through the Docker network, so allow every address.
            String hbaFile = server.psql("SHOW hba_file");
            c.copyFileToContainer(Transferable.of(TestRoles.hbaConf("0.0.0.0/0", "::/0")), hbaFile);
            server.psql("SELECT pg_reload_conf()");
            server.psql(TestRoles.SETUP_SQL);
            return server;
        } catch (RuntimeException e) {
            c.stop();
            throw e;
        }
    }

    String host() {
        return container.getHost();
    }

    int port() {
        return container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT);
    }

    /** Runs the SQL as the superuser with the container's psql (local socket, trust), at most 120 s. */
    @Override
    public String psql(String sql) {
        String file = "/tmp/pgreen-" + SCRIPTS.incrementAndGet() + ".sql";
        container.copyFileToContainer(Transferable.of(sql), file);
        try {
            ExecResult r = container.execInContainer("timeout", "120", "psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1",
                    "-U", TestRoles.SUPERUSER, "-d", TestRoles.DATABASE, "-f", file);
            container.execInContainer("rm", "-f", file);
            if (r.getExitCode() != 0) {
                throw new IllegalStateException("psql in container failed (exit " + r.getExitCode() + ") running:\n"
                        + sql + "\n" + r.getStderr().trim());
            }
            return r.getStdout().trim();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running psql in the container", e);
        }
    }

    @Override
    public void stop() {
        container.stop();
    }
}
