package dev.pgreen.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a class's {@code main} in a JVM of its own, on this JVM's JDK and class path, for what cannot be measured
 * in the shared test JVM (a heap limit, say). loom-support has its own, for other JDKs.
 */
public final class ChildJvm {
    private ChildJvm() {}

    /** The output of a finished child. */
    public record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit code " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    /** Runs {@code main} with the JVM flags, the extra environment variables and the arguments; waits at most {@code timeoutSeconds}. */
    public static Result run(List<String> jvmFlags, Class<?> main, Map<String, String> env, long timeoutSeconds,
                             String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        Path out = Files.createTempFile("pgreen-child", ".out");
        Path err = Files.createTempFile("pgreen-child", ".err");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        Process p = pb.start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("the child JVM did not finish within " + timeoutSeconds + " s:\n"
                        + Files.readString(out) + Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
