package dev.pgreen.loom;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs {@link LoomProbe} in a JVM of its own: other flags, possibly another JDK. */
final class ChildJvm {
    /** The flags that leave the virtual-thread scheduler exactly one carrier, and no way to add another. */
    static final List<String> ONE_CARRIER = List.of(
            "-Djdk.virtualThreadScheduler.parallelism=1",
            "-Djdk.virtualThreadScheduler.maxPoolSize=1");

    private ChildJvm() {}

    /** The output of a finished child. */
    record Result(int exitCode, String stdout, String stderr) {
        /** The first stdout line that starts with {@code prefix}. */
        Optional<String> line(String prefix) {
            return stdout.lines().filter(l -> l.startsWith(prefix)).findFirst();
        }
    }

    static Result run(Path javaHome, List<String> jvmFlags, String dsn, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaHome.resolve("bin/java").toString());
        cmd.addAll(jvmFlags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(LoomProbe.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("PGREEN_PROBE_DSN", dsn);
        Path out = Files.createTempFile("loom-probe", ".out");
        Path err = Files.createTempFile("loom-probe", ".err");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        Process p = pb.start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("the child JVM did not finish within 120 s:\n" + Files.readString(out)
                        + Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** This JVM's own JDK. */
    static Path currentJdk() {
        return Path.of(System.getProperty("java.home"));
    }

    /**
     * A JDK of feature release {@code feature}: {@code PGREEN_JDK<feature>_HOME} when set, else the first
     * directory of /usr/lib/jvm whose {@code release} file says so.
     */
    static Optional<Path> findJdk(int feature) {
        String env = System.getenv("PGREEN_JDK" + feature + "_HOME");
        if (env != null && !env.isBlank() && Files.isExecutable(Path.of(env, "bin/java"))) {
            return Optional.of(Path.of(env));
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(jvms)) {
            return dirs.sorted()
                    .filter(d -> Files.isExecutable(d.resolve("bin/java")))
                    .filter(d -> feature == releaseOf(d))
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int releaseOf(Path jdk) {
        try {
            for (String line : Files.readAllLines(jdk.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    String major = v.split("[.+-]")[0];
                    return Integer.parseInt(major.equals("1") ? v.split("\\.")[1] : major);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not a JDK we can read.
        }
        return -1;
    }
}
