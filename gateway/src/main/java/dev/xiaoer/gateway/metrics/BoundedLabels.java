package dev.xiaoer.gateway.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Label values that come from files the shop edits (rule triggers, queue and flag ids): bounded in practice, but a
 * rules file with thousands of triggers, or a bug, must not grow the scrape without end. The first {@code max}
 * distinct values are kept; later ones read {@value #OTHER}. Long values are cut.
 */
final class BoundedLabels {

    static final String OTHER = "other";
    private static final int MAX_CHARS = 40;

    private final int max;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    BoundedLabels(int max) {
        this.max = max;
    }

    String of(String value) {
        String v = value == null || value.isEmpty() ? "none" : value;
        if (v.length() > MAX_CHARS) {
            v = v.substring(0, MAX_CHARS);
        }
        if (seen.contains(v)) {
            return v;
        }
        // A race may let a few more than max in; the bound still holds within a handful.
        if (seen.size() >= max) {
            return OTHER;
        }
        seen.add(v);
        return v;
    }
}
