package dev.pgreen.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster run from the local binaries in a temporary directory: initdb, pg_ctl
 * start, setup SQL through psql; {@link #stop()} kills it ({@code -m immediate}) and deletes the directory.
 * When the JVM runs as root the server commands run as {@code postgres} (or {@code nobody}) via runuser.
 * When openssl is at hand the server runs with {@code ssl = on} and the run's {@link TestCertificates},
 * made while initdb runs.
 */
final class LocalCluster implements TestServer.Backend {
    private static final Duration INITDB_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration PG_CTL_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration PSQL_TIMEOUT = Duration.ofSeconds(120);

    final String binDir;
    final Path dir;
    final Path dataDir;
    final Path socketDir;
    final int port;
    int majorVersion;
    /** The run's certificates, or null when there was no openssl (then the server has no TLS). */
    TestCertificates certificates;
    /** Prefix for server commands: empty, or runuser -u USER -- when the JVM is root. */
    private final List<String> asServerUser;
    private boolean stopped;

    private LocalCluster(String binDir, Path dir, int port, List<String> asServerUser) {
        this.binDir = binDir;
        this.dir = dir;
        this.dataDir = dir.resolve("data");
        this.socketDir = dir.resolve("sock");
        this.port = port;
        this.asServerUser = asServerUser;
    }

    /** Creates, starts and sets up a cluster; throws with a clear message if that is impossible. */
    static LocalCluster start() {
        String binDir = findBinDir().orElseThrow(() -> new IllegalStateException(
                "pgreen tests need a PostgreSQL server: no PGREEN_TEST_DSN, no Docker engine, and no local "
                        + "PostgreSQL binaries (no initdb via `pg_config --bindir`, /usr/lib/postgresql/*/bin, "
                        + "/usr/local/pgsql/bin or PATH). Install them with `apt-get install -y postgresql` "
                        + "(PostgreSQL 15 or newer), or set PGREEN_TEST_DSN."));
        List<String> asServerUser = serverUserPrefix();
        Path dir = null;
        try {
            dir = createClusterDir(asServerUser);
            Path data = dir.resolve("data");
            Path tlsDir = dir.resolve("tls");
            CompletableFuture<TestCertificates> certs = TestCertificates.openssl()
                    .map(openssl -> CompletableFuture.supplyAsync(() -> TestCertificates.generate(openssl, tlsDir)))
                    .orElse(CompletableFuture.completedFuture(null));
            Result init = initdb(binDir, asServerUser, dir, data, "C.UTF-8");
            if (init.exit != 0) {
                deleteAsServerUser(asServerUser, data, dir);
                Result retry = initdb(binDir, asServerUser, dir, data, "C");
                if (retry.exit != 0) {
                    throw new IllegalStateException("initdb failed with --locale=C.UTF-8:\n" + init.output()
                            + "\nand with --locale=C:\n" + retry.output());
                }
            }
            Path conf = data.resolve("postgresql.conf");
            String originalConf = Files.readString(conf);
            TestCertificates tls = joinCertificates(certs);
            if (tls != null && !asServerUser.isEmpty()) {
                run(List.of("chown", "-R", asServerUser.get(2) + ":", tlsDir.toString()), null, null,
                        Duration.ofSeconds(30)).check("chown");
            }
            Files.writeString(data.resolve("pg_hba.conf"), TestRoles.hbaConf("127.0.0.1/32", "::1/128", tls != null));
            int port = startOnAFreePort(binDir, asServerUser, dir, originalConf + tlsSettings(tls));
            LocalCluster cluster = new LocalCluster(binDir, dir, port, asServerUser);
            cluster.certificates = tls;
            cluster.setUp();
            return cluster;
        } catch (IOException e) {
            cleanUpAfterFailure(dir);
            throw new UncheckedIOException("could not prepare the throwaway PostgreSQL cluster in " + dir, e);
        } catch (RuntimeException e) {
            cleanUpAfterFailure(dir);
            throw e;
        }
    }

    private static void cleanUpAfterFailure(Path dir) {
        if (dir == null) return;
        Path pidFile = dir.resolve("data/postmaster.pid");
        killPostmaster(pidFile);
        deleteRecursively(dir);
    }

    /**
     * A streaming standby of this cluster: {@code pg_basebackup -R} into a new temporary directory, started
     * on a port of its own, as the same user. {@link #stop()} removes it.
     */
    LocalCluster startStandby() {
        Path standbyDir = null;
        try {
            standbyDir = createClusterDir(asServerUser);
            Path data = standbyDir.resolve("data");
            List<String> backup = new ArrayList<>(asServerUser);
            backup.addAll(List.of(binDir + "/pg_basebackup", "-D", data.toString(), "-R", "-X", "stream",
                    "-c", "fast", "-h", socketDir.toString(), "-p", Integer.toString(port), "-U", TestRoles.SUPERUSER));
            run(backup, standbyDir, null, PG_CTL_TIMEOUT).check("pg_basebackup");
            // The primary's settings came along; the lines appended for the standby win.
            String copied = Files.readString(data.resolve("postgresql.conf"));
            int standbyPort = startOnAFreePort(binDir, asServerUser, standbyDir, copied);
            LocalCluster standby = new LocalCluster(binDir, standbyDir, standbyPort, asServerUser);
            standby.majorVersion = majorVersion;
            return standby;
        } catch (IOException e) {
            cleanUpAfterFailure(standbyDir);
            throw new UncheckedIOException("could not prepare a standby in " + standbyDir, e);
        } catch (RuntimeException e) {
            cleanUpAfterFailure(standbyDir);
            throw e;
        }
    }

    /**
     * Starts the cluster in {@code dir}/data on a free port (its configuration {@code baseConf} plus the
     * test settings), trying other ports when one is taken meanwhile; returns the port.
     */
    private static int startOnAFreePort(String binDir, List<String> asServerUser, Path dir, String baseConf)
            throws IOException {
        Path data = dir.resolve("data");
        Path log = dir.resolve("server.log");
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= 4; attempt++) {
            int port = freePort();
            Files.writeString(data.resolve("postgresql.conf"), baseConf + settings(port, dir.resolve("sock")));
            List<String> cmd = new ArrayList<>(asServerUser);
            cmd.addAll(List.of(binDir + "/pg_ctl", "-D", data.toString(), "-l", log.toString(),
                    "-w", "-t", "60", "start"));
            Result r = run(cmd, dir, null, PG_CTL_TIMEOUT);
            if (r.exit == 0) {
                return port;
            }
            last = new IllegalStateException("pg_ctl start failed (port " + port + "):\n" + r.output()
                    + "\n--- tail of " + log + " ---\n" + tail(log, 30));
        }
        throw last;
    }

    /** Promotes this standby to a primary ({@code pg_ctl promote}), waiting until it is one. */
    void promote() {
        List<String> cmd = new ArrayList<>(asServerUser);
        cmd.addAll(List.of(binDir + "/pg_ctl", "-D", dataDir.toString(), "-w", "-t", "60", "promote"));
        run(cmd, dir, null, PG_CTL_TIMEOUT).check("pg_ctl promote");
    }

    /** Creates the database and roles and reads the major version. */
    private void setUp() {
        String exists = psqlAs("postgres", "SELECT 1 FROM pg_database WHERE datname = '" + TestRoles.DATABASE + "'");
        if (exists.isEmpty()) {
            psqlAs("postgres", "CREATE DATABASE " + TestRoles.DATABASE);
        }
        psql(TestRoles.SETUP_SQL);
        int versionNum = Integer.parseInt(psql("SHOW server_version_num"));
        majorVersion = versionNum / 10000;
    }

    private static Result initdb(String binDir, List<String> asServerUser, Path dir, Path data, String locale) {
        List<String> cmd = new ArrayList<>(asServerUser);
        cmd.addAll(List.of(binDir + "/initdb", "-D", data.toString(), "-U", TestRoles.SUPERUSER,
                "--auth=trust", "-E", "UTF8", "--locale=" + locale, "--no-sync"));
        return run(cmd, dir, null, INITDB_TIMEOUT);
    }

    private static String settings(int port, Path sock) {
        return "\n# pgreen test settings\n"
                + "listen_addresses = '127.0.0.1'\n"
                + "port = " + port + "\n"
                + "unix_socket_directories = '" + sock + "'\n"
                + "wal_level = logical\n"
                + "max_connections = 300\n"
                + "max_wal_senders = 20\n"
                + "max_replication_slots = 20\n"
                + "fsync = off\n"
                + "synchronous_commit = off\n"
                + "full_page_writes = off\n"
                + "shared_buffers = 128MB\n"
                + "password_encryption = 'scram-sha-256'\n"
                + "log_min_messages = warning\n";
    }

    /** A temporary directory for a cluster, owned by the user the server runs as. */
    private static Path createClusterDir(List<String> asServerUser) throws IOException {
        Path dir = createTempDir();
        if (!asServerUser.isEmpty()) {
            run(List.of("chown", "-R", asServerUser.get(2) + ":", dir.toString()), null, null,
                    Duration.ofSeconds(30)).check("chown");
        }
        return dir;
    }

    private static TestCertificates joinCertificates(CompletableFuture<TestCertificates> certs) {
        try {
            return certs.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private static String tlsSettings(TestCertificates tls) {
        if (tls == null) {
            return "";
        }
        return "ssl = on\n"
                + "ssl_cert_file = '" + tls.serverCert() + "'\n"
                + "ssl_key_file = '" + tls.serverKey() + "'\n"
                + "ssl_ca_file = '" + tls.caCert() + "'\n"
                + "ssl_crl_file = '" + tls.crlClientRevoked() + "'\n";
    }

    private static Path createTempDir() throws IOException {
        Path base = Path.of(System.getProperty("java.io.tmpdir"));
        // A unix socket path is limited to ~107 bytes: fall back to /tmp for a long java.io.tmpdir.
        if (base.toAbsolutePath().toString().length() > 60 && Files.isDirectory(Path.of("/tmp"))) {
            base = Path.of("/tmp");
        }
        Path dir = Files.createTempDirectory(base, "pgreen-pg-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path sock = Files.createDirectory(dir.resolve("sock"));
        Files.setPosixFilePermissions(sock, PosixFilePermissions.fromString("rwxrwxrwx"));
        return dir;
    }

    private static void deleteAsServerUser(List<String> asServerUser, Path data, Path dir) {
        if (!Files.exists(data)) return;
        List<String> cmd = new ArrayList<>(asServerUser);
        cmd.addAll(List.of("rm", "-rf", data.toString()));
        run(cmd, dir, null, Duration.ofSeconds(30));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Override
    public String psql(String sql) {
        return psqlAs(TestRoles.DATABASE, sql);
    }

    private String psqlAs(String database, String sql) {
        String conn = "host=" + socketDir + " port=" + port + " user=" + TestRoles.SUPERUSER + " dbname=" + database;
        return runPsql(binDir + "/psql", conn, sql, cleanEnv());
    }

    /** The postmaster's process id: the first line of {@code postmaster.pid}. */
    long postmasterPid() {
        try {
            return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the postmaster's pid in " + dataDir, e);
        }
    }

    /** Sends {@code signal} (STOP, CONT...) to process {@code pid} with kill(1). */
    static void signal(long pid, String signal) {
        run(List.of("kill", "-" + signal, Long.toString(pid)), null, null, Duration.ofSeconds(10)).check("kill -" + signal);
    }

    /**
     * {@code pg_ctl restart -m fast}: every session ends; returns once the server accepts connections again on
     * the same port.
     */
    synchronized void restart() {
        if (stopped) throw new IllegalStateException("the throw-away cluster is stopped");
        List<String> cmd = new ArrayList<>(asServerUser);
        cmd.addAll(List.of(binDir + "/pg_ctl", "-D", dataDir.toString(), "-l", dir.resolve("server.log").toString(),
                "-m", "fast", "-w", "-t", "60", "restart"));
        run(cmd, dir, null, PG_CTL_TIMEOUT).check("pg_ctl restart");
        psql("SELECT 1");
    }

    /** Stops the server ({@code -m immediate}) and deletes its directory; idempotent. */
    @Override
    public synchronized void stop() {
        if (stopped) return;
        stopped = true;
        // A stopped (SIGSTOP) postmaster would ignore pg_ctl until killed.
        ServerProcesses.resumeAll();
        List<String> cmd = new ArrayList<>(asServerUser);
        cmd.addAll(List.of(binDir + "/pg_ctl", "-D", dataDir.toString(), "-m", "immediate", "-w", "-t", "30", "stop"));
        try {
            Result r = run(cmd, dir, null, Duration.ofSeconds(45));
            if (r.exit != 0) killPostmaster(dataDir.resolve("postmaster.pid"));
        } catch (RuntimeException e) {
            killPostmaster(dataDir.resolve("postmaster.pid"));
        } finally {
            deleteRecursively(dir);
        }
    }

    private static void killPostmaster(Path pidFile) {
        try {
            if (!Files.exists(pidFile)) return;
            String first = Files.readAllLines(pidFile).get(0).trim();
            ProcessHandle.of(Long.parseLong(first)).ifPresent(ph -> {
                ph.descendants().forEach(ProcessHandle::destroyForcibly);
                ph.destroyForcibly();
            });
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }

    // ---- binaries and users ----

    /** The directory holding initdb/pg_ctl/psql: pg_config --bindir, newest /usr/lib/postgresql/N/bin, PATH. */
    static Optional<String> findBinDir() {
        try {
            Result r = run(List.of("pg_config", "--bindir"), null, null, Duration.ofSeconds(10));
            if (r.exit == 0 && hasServerBinaries(Path.of(r.stdout.trim()))) return Optional.of(r.stdout.trim());
        } catch (RuntimeException ignored) {
            // no pg_config
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Optional<Path> newest = versions
                        .filter(p -> p.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                        .map(p -> p.resolve("bin"))
                        .filter(LocalCluster::hasServerBinaries)
                        .max(Comparator.comparingDouble(p -> Double.parseDouble(p.getParent().getFileName().toString())));
                if (newest.isPresent()) return Optional.of(newest.get().toString());
            } catch (IOException ignored) {
                // fall through
            }
        }
        List<String> candidates = new ArrayList<>(List.of("/usr/local/pgsql/bin"));
        String path = System.getenv("PATH");
        if (path != null) candidates.addAll(Arrays.asList(path.split(":")));
        for (String c : candidates) {
            if (!c.isEmpty() && hasServerBinaries(Path.of(c))) return Optional.of(c);
        }
        return Optional.empty();
    }

    private static boolean hasServerBinaries(Path bin) {
        return Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl"))
                && Files.isExecutable(bin.resolve("psql"));
    }

    /** Empty when not root; else {@code runuser -u postgres --} (or nobody). */
    private static List<String> serverUserPrefix() {
        if (!isRoot()) return List.of();
        String user = userExists("postgres") ? "postgres" : "nobody";
        if (!userExists(user)) {
            throw new IllegalStateException("running as root, and neither a 'postgres' nor a 'nobody' user exists to "
                    + "run the PostgreSQL server as (it refuses to run as root)");
        }
        return List.of("runuser", "-u", user, "--");
    }

    private static boolean isRoot() {
        try {
            Result r = run(List.of("id", "-u"), null, null, Duration.ofSeconds(10));
            if (r.exit == 0) return r.stdout.trim().equals("0");
        } catch (RuntimeException ignored) {
            // fall back to user.name
        }
        return "root".equals(System.getProperty("user.name"));
    }

    private static boolean userExists(String user) {
        try {
            return run(List.of("id", "-u", user), null, null, Duration.ofSeconds(10)).exit == 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The environment for local server commands: no inherited PG* variables. */
    private static Map<String, String> cleanEnv() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.startsWith("PG"));
        return env;
    }

    // ---- processes ----

    /** Runs psql -X -A -t -q -v ON_ERROR_STOP=1 with the SQL on stdin; returns stdout trimmed or throws. */
    static String runPsql(String psql, String conn, String sql, Map<String, String> env) {
        Path in = null;
        try {
            in = Files.createTempFile("pgreen-psql-", ".sql");
            Files.writeString(in, sql);
            Result r = run(List.of(psql, "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d", conn),
                    null, in, PSQL_TIMEOUT, env);
            if (r.exit != 0) {
                throw new IllegalStateException("psql failed (exit " + r.exit + ") running:\n" + sql + "\n" + r.stderr.trim());
            }
            return r.stdout.trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (in != null) {
                try {
                    Files.deleteIfExists(in);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    record Result(List<String> command, int exit, String stdout, String stderr) {
        String output() {
            return "$ " + String.join(" ", command) + " (exit " + exit + ")\n" + stdout + stderr;
        }

        Result check(String what) {
            if (exit != 0) throw new IllegalStateException(what + " failed:\n" + output());
            return this;
        }
    }

    static Result run(List<String> cmd, Path workDir, Path stdin, Duration timeout) {
        return run(cmd, workDir, stdin, timeout, cleanEnv());
    }

    /**
     * Runs a command with a timeout. Output goes to temporary files, not pipes: nothing can fill up, and a
     * daemon the command leaves behind (pg_ctl start) cannot hold the output open.
     */
    static Result run(List<String> cmd, Path workDir, Path stdin, Duration timeout, Map<String, String> env) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("pgreen-proc-", ".out");
            err = Files.createTempFile("pgreen-proc-", ".err");
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(stdin != null ? ProcessBuilder.Redirect.from(stdin.toFile())
                            : ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            if (workDir != null) pb.directory(workDir.toFile());
            if (env != null) {
                pb.environment().clear();
                pb.environment().putAll(env);
            }
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + "s: " + String.join(" ", cmd)
                        + "\n" + Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(cmd, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + String.join(" ", cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", cmd), e);
        } finally {
            for (Path p : new Path[] {out, err}) {
                if (p != null) {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException ignored) {
                        // best effort
                    }
                }
            }
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "(no log: " + e + ")";
        }
    }
}
