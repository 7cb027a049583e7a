package dev.xiaoer.loadtest.report;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The one-screen summary of a run of {@code loadtest/run.sh}: what ran, requests per second, latency percentiles,
 * errors, the server's CPU and heap, the load generator's CPU, and the verdict. It reads what the run left in its
 * folder — {@code run.properties} (written by run.sh), the lean driver's {@code driver.properties} or Gatling's
 * report, the server's {@code gc.log} — and writes {@code summary.txt} (printed) and {@code summary.properties}
 * (one row of the results table, for run-all.sh).
 *
 * <pre>java -cp … dev.xiaoer.loadtest.report.RunSummary RUN_FOLDER</pre>
 */
public final class RunSummary {

    private final Path folder;
    private final Properties run;
    private final Map<String, String> row = new LinkedHashMap<>();
    private final StringBuilder text = new StringBuilder();

    private RunSummary(Path folder, Properties run) {
        this.folder = folder;
        this.run = run;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: RunSummary RUN_FOLDER");
            System.exit(2);
        }
        Path folder = Path.of(args[0]);
        RunSummary s = new RunSummary(folder, properties(folder.resolve("run.properties")));
        s.build();
        Files.writeString(folder.resolve("summary.txt"), s.text, StandardCharsets.UTF_8);
        // Plain key=value lines (no escaping), for run-all.sh to read with sed.
        try (Writer w = Files.newBufferedWriter(folder.resolve("summary.properties"), StandardCharsets.UTF_8)) {
            for (Map.Entry<String, String> e : s.row.entrySet()) {
                w.write(e.getKey() + "=" + e.getValue().replace('\n', ' ') + "\n");
            }
        }
        System.out.print(s.text);
    }

    private void build() throws IOException {
        String generator = get("generator");
        String target = get("target");
        boolean lean = generator.equals("lean");
        line("Xiaoer load test " + get("label"), get("started"));
        kv("command", get("command"));
        kv("machine", get("cores") + " cores " + get("cpuModel") + ", " + get("memGiB") + " GiB; " + get("java")
                + "; server on cpu " + get("serverCpu") + ", load on cpu " + get("loadCpu"));
        kv("server", target + (target.equals("gateway") ? " (" + get("config") + ")" : "") + ", heap " + get("heap")
                + ", " + get("gc"));
        row.put("label", get("label"));
        row.put("generator", generator);
        row.put("target", target);
        row.put("command", get("command"));
        boolean ok;
        double requests;
        double seconds;
        if (lean) {
            ok = leanFigures();
            requests = number(driver("requests"));
            seconds = number(driver("seconds"));
        } else {
            ok = gatlingFigures();
            requests = number(row.getOrDefault("requests", "0"));
            seconds = number(get("loadWallSeconds"));
        }
        serverFigures(lean, requests, seconds);
        boolean exited = get("loadExit").equals("0");
        String verdict = ok && exited ? "OK"
                : "FAILED (" + (lean ? "the driver saw problems" : "Gatling assertions failed or it crashed")
                + ", exit " + get("loadExit") + ")";
        kv("result", verdict);
        row.put("result", ok && exited ? "OK" : "FAILED");
        kv("files", folder.toString());
    }

    private boolean leanFigures() throws IOException {
        Properties d = properties(folder.resolve("driver.properties"));
        run.putAll(prefixed(d));
        String mode = driver("mode");
        String pace = !driver("rate").equals("closed-loop") ? "paced at " + driver("rate") + "/s"
                : mode.equals("idle") ? "each every " + driver("pingSeconds") + " s" : "closed loop";
        kv("load", String.format(Locale.ROOT, "lean driver, %s: %s connections, %s, %s, warm-up %s s, measured %s s",
                mode, driver("connections"), mode.equals("idle") ? "pinging" : driver("inFlight") + " in flight each",
                pace, get("warmup"), driver("seconds")));
        if (!mode.equals("idle")) {
            kv("questions", driver("mix"));
        }
        kv(mode.equals("idle") ? "pongs" : "answers", String.format(Locale.ROOT,
                "%,d = %,.0f/s   p50 %s  p95 %s  p99 %s  max %s ms   (ack p99 %s ms)", (long) number(driver("requests")),
                number(driver("throughput")), driver("p50Ms"), driver("p95Ms"), driver("p99Ms"), driver("maxMs"),
                driver("ackP99Ms")));
        kv("problems", "errors " + driver("errors") + ", wrong answers " + driver("wrong") + ", unanswered "
                + driver("unanswered"));
        kv("load CPU", driver("generatorCpuSeconds") + " s while measured (lean driver)");
        for (String k : new String[]{"connections", "throughput", "p50Ms", "p95Ms", "p99Ms", "maxMs", "requests"}) {
            row.put(k, driver(k));
        }
        row.put("errors", Long.toString((long) (number(driver("errors")) + number(driver("wrong"))
                + number(driver("unanswered")))));
        row.put("loadCpuSeconds", driver("generatorCpuSeconds"));
        row.put("what", (mode.equals("idle") ? "idle connections" : driver("mix")) + ", " + pace);
        return driver("result").equals("OK");
    }

    private boolean gatlingFigures() throws IOException {
        boolean chatting = !get("sim").equals("ConnectionsSimulation");
        kv("load", String.format(Locale.ROOT, "gatling %s: %s users, ramp %s s, %s s each%s%s", get("sim"),
                get("users"), get("ramp"), get("duration"), chatting ? ", think " + get("think") + " ms" : "",
                get("extra").isEmpty() ? "" : ", " + get("extra")));
        Optional<GatlingReport> report = GatlingReport.find(folder.resolve("gatling"));
        if (report.isEmpty()) {
            kv("requests", "no Gatling report (the run crashed: see load.log)");
            row.put("errors", "-");
            return false;
        }
        GatlingReport r = report.get();
        String primary = get("primaryRequest");
        GatlingReport.Row main = r.row(primary).orElse(r.rows().get(GatlingReport.ALL));
        boolean first = true;
        for (GatlingReport.Row x : r.rows().values()) {
            if (x.name().equals(GatlingReport.ALL) || Double.isNaN(x.p50())) {
                continue;
            }
            kv(first ? "requests" : "", String.format(Locale.ROOT,
                    "%-24s %,9d ok %,5d ko %8.1f/s   p50 %s  p95 %s  p99 %s  max %s ms", x.name(), x.ok(), x.ko(),
                    x.perSecond(), ms(x.p50()), ms(x.p95()), ms(x.p99()), ms(x.max())));
            first = false;
        }
        GatlingReport.Row all = r.rows().get(GatlingReport.ALL);
        long ko = all == null ? 0 : all.ko();
        kv("problems", ko + " failed checks (KO) of " + (all == null ? 0 : all.total()) + " requests");
        kv("load CPU", get("loadCpuSeconds") + " s over the Gatling JVM's life (start and report included)");
        row.put("connections", get("users"));
        row.put("requests", Long.toString(main.ok()));
        row.put("throughput", String.format(Locale.ROOT, "%.0f", main.perSecond()));
        row.put("p50Ms", ms(main.p50()));
        row.put("p95Ms", ms(main.p95()));
        row.put("p99Ms", ms(main.p99()));
        row.put("maxMs", ms(main.max()));
        row.put("errors", Long.toString(ko));
        row.put("loadCpuSeconds", get("loadCpuSeconds"));
        row.put("what", get("sim") + " (" + main.name() + ")" + (chatting ? ", think " + get("think") + " ms" : ""));
        row.put("report", r.index().toString());
        kv("report", r.index().toString());
        return ko == 0;
    }

    private void serverFigures(boolean lean, double requests, double seconds) throws IOException {
        double cpu = lean && !driver("serverCpuSeconds").equals("-") ? number(driver("serverCpuSeconds"))
                : number(get("serverCpuSeconds"));
        double window = lean ? seconds : number(get("loadWallSeconds"));
        String per = requests > 0 ? String.format(Locale.ROOT, "; %.0f µs of server CPU per %s", 1e6 * cpu / requests,
                lean && driver("mode").equals("idle") ? "pong" : "request") : "";
        kv("server CPU", String.format(Locale.ROOT, "%.1f s in %.0f s = %.0f%% of one core%s%s", cpu, window,
                100 * cpu / Math.max(window, 1e-9), per, lean ? " (measured seconds only)" : " (whole load)"));
        row.put("serverCpuPercent", String.format(Locale.ROOT, "%.0f", 100 * cpu / Math.max(window, 1e-9)));
        row.put("serverCpuPerRequestUs", requests > 0 ? String.format(Locale.ROOT, "%.0f", 1e6 * cpu / requests) : "-");
        threads();
        GcLog gc = GcLog.read(folder.resolve("gc.log"));
        double atStart = gc.forcedAfterMib().isEmpty() ? Double.NaN : gc.forcedAfterMib().get(0);
        kv("heap", String.format(Locale.ROOT, "peak %.0f MiB in use (of %.0f); live %.0f MiB at start, %.0f MiB after "
                        + "the last GC; %d GC pauses (probes' not counted), %.0f ms in all, longest %.1f ms",
                gc.peakUsedMib(), gc.heapMib(),
                atStart, gc.lastAfterMib(), gc.pauses(), gc.pauseMillis(), gc.maxPauseMillis()));
        kv("RSS", "peak " + get("serverRssPeakMib") + " MiB");
        row.put("peakHeapMib", String.format(Locale.ROOT, "%.0f", gc.peakUsedMib()));
        row.put("rssPeakMib", get("serverRssPeakMib"));
        row.put("gcPauseMaxMs", String.format(Locale.ROOT, "%.1f", gc.maxPauseMillis()));
        String probed = get("probeConnections");
        if (!probed.isEmpty() && gc.forcedAfterMib().size() >= 2) {
            double live = gc.forcedAfterMib().get(1);
            double connections = number(probed);
            double perConnectionKib = (live - atStart) * 1024 / Math.max(connections, 1);
            double perGib = 1024 * 1024 / Math.max(perConnectionKib, 1e-9);
            kv("connections", String.format(Locale.ROOT, "%,.0f open (%s conversations) at %s s: live heap %.0f MiB, "
                            + "%.1f KiB per connection above the idle server = %,.0f connections per GiB", connections,
                    get("probeConversations"), get("probeAtSeconds"), live, perConnectionKib, perGib));
            row.put("probeConnections", probed);
            row.put("liveHeapMib", String.format(Locale.ROOT, "%.0f", live));
            row.put("kibPerConnection", String.format(Locale.ROOT, "%.1f", perConnectionKib));
        }
    }

    /** Which of the server's threads the warm load kept busy: CPU seconds per thread group, largest first. */
    private void threads() throws IOException {
        Map<String, Double> warm = threadCpu(folder.resolve("threads-warm.tsv"));
        Map<String, Double> end = threadCpu(folder.resolve("threads-end.tsv"));
        if (warm.isEmpty() || end.isEmpty()) {
            return;
        }
        Map<String, Double> used = new LinkedHashMap<>();
        double total = 0;
        for (Map.Entry<String, Double> e : end.entrySet()) {
            double d = e.getValue() - warm.getOrDefault(e.getKey(), 0.0);
            if (d > 0) {
                used.put(e.getKey(), d);
                total += d;
            }
        }
        StringBuilder b = new StringBuilder();
        double shown = 0;
        for (Map.Entry<String, Double> e : used.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(6).toList()) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.1f s (%.0f%%)", e.getKey(),
                    e.getValue(), 100 * e.getValue() / total));
            shown += e.getValue();
        }
        if (total - shown > 0.05) {
            b.append(String.format(Locale.ROOT, ", other %.1f s", total - shown));
        }
        kv("threads", b + " (warm load to its end)");
    }

    private static Map<String, Double> threadCpu(Path file) throws IOException {
        Map<String, Double> m = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return m;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            if (f.length == 2) {
                m.put(f[0], number(f[1]));
            }
        }
        return m;
    }

    // ---- helpers ----

    private static Properties properties(Path file) throws IOException {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        }
        return p;
    }

    private static Properties prefixed(Properties d) {
        Properties p = new Properties();
        d.forEach((k, v) -> p.put("driver." + k, v));
        return p;
    }

    private String get(String key) {
        return run.getProperty(key, "").trim();
    }

    private String driver(String key) {
        return run.getProperty("driver." + key, "-").trim();
    }

    private static double number(String s) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException | NullPointerException e) {
            return Double.NaN;
        }
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f", v);
    }

    private void line(String left, String right) {
        text.append(String.format(Locale.ROOT, "%-80s %s%n", left, right));
    }

    private void kv(String key, String value) {
        text.append(String.format(Locale.ROOT, "  %-11s %s%n", key, value));
    }
}
