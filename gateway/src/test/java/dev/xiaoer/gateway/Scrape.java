package dev.xiaoer.gateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** One scrape of /metrics, parsed: every sample line as a name, its labels and its value. */
final class Scrape {

    private record Sample(String name, Map<String, String> labels, double value) {
    }

    final String text;
    private final List<Sample> samples = new ArrayList<>();

    Scrape(String text) {
        this.text = text;
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name = brace >= 0 && brace < space ? line.substring(0, brace) : line.substring(0, space);
            Map<String, String> labels = new LinkedHashMap<>();
            if (brace >= 0 && brace < space) {
                String inner = line.substring(brace + 1, line.lastIndexOf('}'));
                int i = 0;
                while (i < inner.length()) {
                    int eq = inner.indexOf('=', i);
                    int close = inner.indexOf('"', eq + 2);
                    while (inner.charAt(close - 1) == '\\') {
                        close = inner.indexOf('"', close + 1);
                    }
                    labels.put(inner.substring(i, eq), inner.substring(eq + 2, close));
                    i = close + 2;
                }
            }
            samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
        }
    }

    /**
     * The value of the one sample named {@code name} whose labels include the given pairs; 0 when there is none (a
     * counter nobody has touched yet is not registered).
     */
    double value(String name, String... labelPairs) {
        Sample found = null;
        for (Sample s : samples) {
            if (!s.name.equals(name) || !has(s, labelPairs)) {
                continue;
            }
            if (found != null) {
                throw new AssertionError("more than one sample of " + name + " with " + List.of(labelPairs) + ": "
                        + found.labels + " and " + s.labels);
            }
            found = s;
        }
        return found == null ? 0 : found.value;
    }

    /** Whether any sample has this name. */
    boolean has(String name) {
        return samples.stream().anyMatch(s -> s.name.equals(name));
    }

    private static boolean has(Sample s, String[] pairs) {
        for (int i = 0; i < pairs.length; i += 2) {
            if (!pairs[i + 1].equals(s.labels.get(pairs[i]))) {
                return false;
            }
        }
        return true;
    }

    /** Asserts that a sample moved by exactly {@code delta} from {@code before} to this scrape. */
    void moved(Scrape before, double delta, String name, String... labelPairs) {
        assertEquals(delta, value(name, labelPairs) - before.value(name, labelPairs), 1e-9,
                () -> name + " " + List.of(labelPairs));
    }
}
