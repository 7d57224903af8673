package dev.pgreen.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * libpq's pgbench as a reference subject (WORKLOADS.md: the floor for client overhead in C). It
 * runs as a child of the benchmark process, so it inherits that process's CPUs (W1's pinning), and
 * reports pgbench's own transactions per second, each transaction being one statement.
 */
final class Pgbench implements Subject {
    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+)");

    private final String name;
    private final List<String> command;
    private final String sslmode;
    private final String password;
    private final int figures;

    private Pgbench(String name, List<String> command, String sslmode, String password, int figures) {
        this.name = name;
        this.command = command;
        this.sslmode = sslmode;
        this.password = password;
        this.figures = figures;
    }

    /**
     * pgbench with {@code args} against {@code servers}, or nothing where no pgbench binary is found.
     * Figures after the first (latencies) are not measured: they come back as NaN.
     */
    static Optional<Subject> of(Servers servers, String name, int figures, String... args) {
        return servers.pgbenchBinary().map(binary -> {
            List<String> command = new ArrayList<>(List.of(binary, "-n", "-h", servers.host(),
                    "-p", String.valueOf(servers.port()), "-U", servers.user()));
            command.addAll(Arrays.asList(args));
            command.add(servers.database());
            return new Pgbench(name, command, servers.sslmode(), servers.password(), figures);
        });
    }

    /** A script file holding {@code sql}, for pgbench's {@code -f}. */
    static String script(String sql) {
        try {
            Path file = Files.createTempFile("pgreen-bench", ".sql");
            file.toFile().deleteOnExit();
            Files.writeString(file, sql + ";\n", StandardCharsets.UTF_8);
            return file.toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean reference() {
        return true;
    }

    @Override
    public boolean inProcess() {
        return false;
    }

    @Override
    public double[] round() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (sslmode != null) {
            pb.environment().put("PGSSLMODE", sslmode);
        }
        if (password != null) {
            pb.environment().put("PGPASSWORD", password);
        }
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("pgbench failed: " + String.join(" ", command) + "\n" + output);
        }
        Matcher m = TPS.matcher(output);
        if (!m.find()) {
            throw new IllegalStateException("no tps in pgbench's output:\n" + output);
        }
        double[] result = new double[figures];
        Arrays.fill(result, Double.NaN);
        result[0] = Double.parseDouble(m.group(1));
        return result;
    }
}
