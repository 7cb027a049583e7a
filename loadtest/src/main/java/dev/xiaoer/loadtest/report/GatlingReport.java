package dev.xiaoer.loadtest.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The statistics table of a Gatling HTML report ({@code index.html}): one row per request name (for WebSockets,
 * per awaited check: {@code reply}, {@code ack}, {@code pong} …) and {@code All Requests}. Gatling 3.15 writes no
 * machine-readable stats file next to its report, so the table is read from the page; its columns are fixed by
 * the pinned Gatling version and the percentiles set in {@code gatling.conf} (50, 75, 95, 99).
 *
 * @param index the report page
 * @param rows  by request name, in the report's order
 */
public record GatlingReport(Path index, Map<String, Row> rows) {

    /** The name Gatling gives the row of every request together. */
    public static final String ALL = "All Requests";

    /** One row; times in milliseconds, NaN where Gatling shows "-". */
    public record Row(String name, long total, long ok, long ko, double perSecond, double min, double p50,
                      double p75, double p95, double p99, double max, double mean) {
    }

    private static final Pattern ROW = Pattern.compile("<tr id=\"(ROOT|req_[^\"]+)\"[^>]*>(.*?)</tr>", Pattern.DOTALL);
    private static final Pattern NAME = Pattern.compile("class=\"ellipsed-name\">([^<]*)</span>");
    private static final Pattern CELL = Pattern.compile("<td class=\"value [^\"]*col-(\\d+)\">([^<]*)</td>");

    /** The report under a Gatling results folder (the newest, if several), if there is one. */
    public static Optional<GatlingReport> find(Path resultsFolder) throws IOException {
        if (!Files.isDirectory(resultsFolder)) {
            return Optional.empty();
        }
        Path newest = null;
        try (Stream<Path> runs = Files.list(resultsFolder)) {
            for (Path p : (Iterable<Path>) runs::iterator) {
                Path index = p.resolve("index.html");
                if (Files.exists(index) && (newest == null
                        || Files.getLastModifiedTime(index).compareTo(Files.getLastModifiedTime(newest)) > 0)) {
                    newest = index;
                }
            }
        }
        return newest == null ? Optional.empty() : Optional.of(read(newest));
    }

    /** Reads the statistics table of a report page. */
    public static GatlingReport read(Path index) throws IOException {
        return new GatlingReport(index, parse(Files.readString(index, StandardCharsets.UTF_8)));
    }

    static Map<String, Row> parse(String html) {
        Map<String, Row> rows = new LinkedHashMap<>();
        Matcher r = ROW.matcher(html);
        while (r.find()) {
            Matcher n = NAME.matcher(r.group(2));
            if (!n.find()) {
                continue;
            }
            double[] v = new double[15];
            java.util.Arrays.fill(v, Double.NaN);
            Matcher c = CELL.matcher(r.group(2));
            while (c.find()) {
                int col = Integer.parseInt(c.group(1));
                if (col < v.length) {
                    v[col] = number(c.group(2));
                }
            }
            String name = unescape(n.group(1).trim());
            rows.putIfAbsent(name, new Row(name, (long) zero(v[2]), (long) zero(v[3]), (long) zero(v[4]), v[6], v[7],
                    v[8], v[9], v[10], v[11], v[12], v[13]));
        }
        return rows;
    }

    /** A request's row, if the run had it. */
    public Optional<Row> row(String name) {
        return Optional.ofNullable(rows.get(name));
    }

    private static double number(String cell) {
        String s = cell.trim().replace(",", "");
        if (s.isEmpty() || s.equals("-")) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static double zero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    private static String unescape(String s) {
        return s.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'");
    }
}
