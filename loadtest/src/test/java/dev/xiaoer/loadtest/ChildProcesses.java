package dev.xiaoer.loadtest;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The processes the smoke runs start — the gateway and each load generator in its own JVM, so that the gateway's
 * Netty 4.1 and Gatling's Netty 4.2 never meet — and the guarantee that none outlives the test: each is stopped when
 * done, on failure, and by a shutdown hook if the test JVM is told to exit; and on Linux each runs under
 * {@code timeout}, so even a test JVM killed outright leaves nothing running for long.
 */
final class ChildProcesses {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    /** No child of a smoke run may live longer than this, whatever happens to the test JVM. */
    private static final long DEADLINE_SECONDS = 600;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(ChildProcesses::stop), "stop-children"));
    }

    private ChildProcesses() {
    }

    /** A JVM running {@code args} with the given classpath or jar, output to {@code log}. */
    static Process java(List<String> args, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        if (new File("/usr/bin/timeout").canExecute()) {
            command.addAll(List.of("/usr/bin/timeout", "-k", "5", Long.toString(DEADLINE_SECONDS)));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(args);
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LIVE.add(p);
        return p;
    }

    /** Waits for a server started by {@link #java} to print its "listening on" line; returns its port. */
    static int awaitListening(Process server, Path log, long seconds) throws IOException, InterruptedException,
            TimeoutException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < until) {
            Matcher m = LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!server.isAlive()) {
                throw new IllegalStateException("the server stopped before listening (exit " + server.exitValue()
                        + "):\n" + tail(log, 40));
            }
            Thread.sleep(50);
        }
        throw new TimeoutException("the server did not listen within " + seconds + " s:\n" + tail(log, 40));
    }

    /** Waits for a process to end; stops it and fails if it takes longer than {@code seconds}. */
    static int await(Process p, long seconds) throws InterruptedException, TimeoutException {
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            stop(p);
            throw new TimeoutException("a child process ran longer than " + seconds + " s and was stopped");
        }
        LIVE.remove(p);
        return p.exitValue();
    }

    /** SIGTERM (a graceful stop), then SIGKILL after 15 s. */
    static void stop(Process p) {
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        LIVE.remove(p);
    }

    /** The last lines of a log, for failure messages. */
    static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
