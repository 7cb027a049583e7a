package dev.xiaoer.loadtest.driver;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one run of the lean driver measured: throughput and latency over the measured seconds, and every problem
 * over the whole run. Latency histograms hold microseconds.
 */
public record DriverResult(DriverOptions options, String mix, String threads, double rampSeconds, Histogram replies,
                           Histogram acks, double seconds, double cpuSeconds, double serverCpuSeconds,
                           Map<String, Long> errors, long wrong,
                           long unanswered, long unexpectedCloses, long connectFailures, long badFrames,
                           int connected, int openAtEnd, List<String> examples) {

    /** Answers per second over the measured time. */
    public double throughput() {
        return replies.getTotalCount() / seconds;
    }

    /** Errors of every code together. */
    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Whether every question got the right answer and no connection failed. */
    public boolean clean() {
        return errorCount() == 0 && wrong == 0 && unanswered == 0 && unexpectedCloses == 0 && connectFailures == 0
                && badFrames == 0;
    }

    /** Milliseconds at a percentile of the reply latency. */
    public double replyMillis(double percentile) {
        return replies.getValueAtPercentile(percentile) / 1000.0;
    }

    /** The report printed at the end of a run. */
    public String report() {
        DriverOptions o = options;
        boolean idle = o.mode() == DriverOptions.Mode.IDLE;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "lean driver -> %s %s%n", o.target().name().toLowerCase(Locale.ROOT),
                o.url()));
        b.append(String.format(Locale.ROOT, "  load        %d connections, %s, %s; driver threads: %s%n",
                o.connections(), idle ? "idle, pinging" : o.inFlight() + " in flight each",
                o.rate() > 0 ? String.format(Locale.ROOT, "paced at %.0f/s", o.rate())
                        : idle ? "every " + o.pingSeconds() + " s" : "closed loop", threads));
        if (!idle) {
            b.append(String.format(Locale.ROOT, "  questions   %s%n", mix));
        }
        b.append(String.format(Locale.ROOT, "  time        ramp %.1f s, warm-up %d s, measured %.1f s%n", rampSeconds,
                o.warmup(), seconds));
        b.append(String.format(Locale.ROOT, "  %-11s %,d in %.1f s = %,.0f/s%n", idle ? "pongs" : "answers",
                replies.getTotalCount(), seconds, throughput()));
        b.append(String.format(Locale.ROOT, "  latency     %s%n", percentiles(replies)));
        if (acks.getTotalCount() > 0) {
            b.append(String.format(Locale.ROOT, "  ack latency %s%n", percentiles(acks)));
        }
        b.append(String.format(Locale.ROOT, "  connections %d connected, %d open at the end, %d failed to connect, "
                + "%d closed unexpectedly%n", connected, openAtEnd, connectFailures, unexpectedCloses));
        b.append(String.format(Locale.ROOT, "  problems    errors %d %s, wrong replies %d, unanswered %d, "
                + "bad frames %d%n", errorCount(), errors.isEmpty() ? "" : errors, wrong, unanswered, badFrames));
        for (String e : examples) {
            b.append("    e.g. ").append(e).append('\n');
        }
        b.append(String.format(Locale.ROOT, "  driver CPU  %.1f s while measured (%.0f%% of one core)%n", cpuSeconds,
                100 * cpuSeconds / seconds));
        if (!Double.isNaN(serverCpuSeconds)) {
            b.append(String.format(Locale.ROOT, "  server CPU  %.1f s while measured (%.0f%% of one core), %.1f µs per %s%n",
                    serverCpuSeconds, 100 * serverCpuSeconds / seconds,
                    1e6 * serverCpuSeconds / Math.max(1, replies.getTotalCount()), idle ? "pong" : "answer"));
        }
        b.append(clean() ? "  result      OK" : "  result      FAILED (see problems)");
        return b.toString();
    }

    private static String percentiles(Histogram h) {
        if (h.getTotalCount() == 0) {
            return "(none)";
        }
        return String.format(Locale.ROOT, "p50 %.2f  p90 %.2f  p95 %.2f  p99 %.2f  p99.9 %.2f  max %.2f ms",
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
                h.getValueAtPercentile(95) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0);
    }

    /** The figures run.sh puts in its summary, one {@code key=value} a line. */
    public Map<String, String> summary() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("generator", "lean");
        m.put("target", options.target().name().toLowerCase(Locale.ROOT));
        m.put("mode", options.mode().name().toLowerCase(Locale.ROOT));
        m.put("connections", Integer.toString(options.connections()));
        m.put("inFlight", Integer.toString(options.inFlight()));
        m.put("pingSeconds", Integer.toString(options.pingSeconds()));
        m.put("rate", options.rate() > 0 ? String.format(Locale.ROOT, "%.0f", options.rate()) : "closed-loop");
        m.put("mix", options.mode() == DriverOptions.Mode.IDLE ? "-" : mix);
        m.put("seconds", String.format(Locale.ROOT, "%.1f", seconds));
        m.put("requests", Long.toString(replies.getTotalCount()));
        m.put("throughput", String.format(Locale.ROOT, "%.0f", throughput()));
        m.put("p50Ms", millis(replies, 50));
        m.put("p95Ms", millis(replies, 95));
        m.put("p99Ms", millis(replies, 99));
        m.put("maxMs", String.format(Locale.ROOT, "%.2f", replies.getMaxValue() / 1000.0));
        m.put("ackP99Ms", acks.getTotalCount() > 0 ? millis(acks, 99) : "-");
        m.put("errors", Long.toString(errorCount() + badFrames + connectFailures + unexpectedCloses));
        m.put("wrong", Long.toString(wrong));
        m.put("unanswered", Long.toString(unanswered));
        m.put("connected", Integer.toString(connected));
        m.put("generatorCpuSeconds", String.format(Locale.ROOT, "%.1f", cpuSeconds));
        m.put("serverCpuSeconds", Double.isNaN(serverCpuSeconds) ? "-"
                : String.format(Locale.ROOT, "%.1f", serverCpuSeconds));
        m.put("result", clean() ? "OK" : "FAILED");
        return m;
    }

    private static String millis(Histogram h, double percentile) {
        return String.format(Locale.ROOT, "%.2f", h.getValueAtPercentile(percentile) / 1000.0);
    }

    /** Writes {@link #summary()} to a file. */
    public void writeSummary(Path file) throws IOException {
        StringBuilder b = new StringBuilder();
        summary().forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
    }
}
