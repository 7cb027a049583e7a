package dev.xiaoer.loadtest.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the server's unified GC log ({@code -Xlog:gc:file=gc.log}) says about its heap: the pauses, the most heap
 * in use before a collection (the peak), the live heap after the last one, and after each collection forced by
 * run.sh's probes ({@code jcmd PID GC.run}).
 *
 * @param pauses         every stop-the-world pause of the server's own (not the probes' forced collections)
 * @param pauseMillis    their total
 * @param maxPauseMillis the longest of them
 * @param peakUsedMib    the most heap in use right before a collection
 * @param lastAfterMib   heap in use after the last collection
 * @param heapMib        the committed heap size at the last collection
 * @param forcedAfterMib heap in use after each forced full collection, in order (the live set at that moment)
 */
public record GcLog(int pauses, double pauseMillis, double maxPauseMillis, double peakUsedMib, double lastAfterMib,
                    double heapMib, List<Double> forcedAfterMib) {

    /** {@code GC(12) Pause Young (Normal) (G1 Evacuation Pause) 24M->3M(1024M) 2.345ms}, any collector. */
    private static final Pattern PAUSE = Pattern.compile(
            "GC\\(\\d+\\) (Pause [^\\n]*?) (\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\) ([\\d.]+)ms");

    /** Reads a GC log; an empty record if the file is missing (the server did not start). */
    public static GcLog read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new GcLog(0, 0, 0, 0, 0, 0, List.of());
        }
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    static GcLog parse(String log) {
        int pauses = 0;
        double total = 0;
        double max = 0;
        double peak = 0;
        double lastAfter = 0;
        double heap = 0;
        java.util.ArrayList<Double> forced = new java.util.ArrayList<>();
        Matcher m = PAUSE.matcher(log);
        while (m.find()) {
            double ms = Double.parseDouble(m.group(8));
            double before = mib(m.group(2), m.group(3));
            lastAfter = mib(m.group(4), m.group(5));
            heap = mib(m.group(6), m.group(7));
            peak = Math.max(peak, before);
            // jcmd GC.run: "System.gc()" with Parallel and Serial, "Diagnostic Command" with G1.
            if (m.group(1).contains("System.gc()") || m.group(1).contains("Diagnostic Command")) {
                forced.add(lastAfter);
            } else {
                pauses++;
                total += ms;
                max = Math.max(max, ms);
            }
        }
        return new GcLog(pauses, total, max, peak, lastAfter, heap, List.copyOf(forced));
    }

    private static double mib(String n, String unit) {
        double v = Double.parseDouble(n);
        return switch (unit) {
            case "K" -> v / 1024;
            case "G" -> v * 1024;
            default -> v;
        };
    }
}
