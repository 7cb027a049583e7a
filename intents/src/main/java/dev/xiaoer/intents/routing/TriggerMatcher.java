package dev.xiaoer.intents.routing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Aho–Corasick over characters: finds every occurrence of every pattern in one left-to-right pass, in time
 * linear in the text plus the matches, however many patterns there are. Immutable once built.
 *
 * <p>The root's transitions are a direct 64K table (most messages start most steps at the root); other states keep
 * sorted character arrays, searched by bisection — most have one or two children.
 */
final class TriggerMatcher {

    /** Receives matches: pattern {@code pattern} occupies {@code [start, end)} of the text. */
    interface Sink {
        void match(int pattern, int start, int end);
    }

    private final int[] rootNext = new int[65536];
    private final char[][] keys;
    private final int[][] targets;
    private final int[] fail;
    /** Patterns ending exactly at each state. */
    private final int[][] outputs;
    /** The nearest state on the failure chain that has outputs, or -1. */
    private final int[] outputLink;
    private final int[] patternLength;

    TriggerMatcher(List<String> patterns) {
        // Build the trie with growable per-state child lists.
        List<StringBuilder> childKeys = new ArrayList<>();
        List<List<Integer>> childTargets = new ArrayList<>();
        List<List<Integer>> out = new ArrayList<>();
        childKeys.add(new StringBuilder());
        childTargets.add(new ArrayList<>());
        out.add(new ArrayList<>());
        patternLength = new int[patterns.size()];
        for (int p = 0; p < patterns.size(); p++) {
            String pattern = patterns.get(p);
            if (pattern.isEmpty()) {
                throw new IllegalArgumentException("empty pattern " + p);
            }
            patternLength[p] = pattern.length();
            int state = 0;
            for (int i = 0; i < pattern.length(); i++) {
                char c = pattern.charAt(i);
                int at = childKeys.get(state).indexOf(String.valueOf(c));
                if (at >= 0) {
                    state = childTargets.get(state).get(at);
                } else {
                    int next = childKeys.size();
                    childKeys.add(new StringBuilder());
                    childTargets.add(new ArrayList<>());
                    out.add(new ArrayList<>());
                    childKeys.get(state).append(c);
                    childTargets.get(state).add(next);
                    state = next;
                }
            }
            out.get(state).add(p);
        }
        int states = childKeys.size();
        keys = new char[states][];
        targets = new int[states][];
        outputs = new int[states][];
        for (int s = 0; s < states; s++) {
            char[] k = childKeys.get(s).toString().toCharArray();
            int[] t = childTargets.get(s).stream().mapToInt(Integer::intValue).toArray();
            sortTogether(k, t);
            keys[s] = k;
            targets[s] = t;
            outputs[s] = out.get(s).stream().mapToInt(Integer::intValue).toArray();
        }
        Arrays.fill(rootNext, 0);
        for (int i = 0; i < keys[0].length; i++) {
            rootNext[keys[0][i]] = targets[0][i];
        }
        fail = new int[states];
        outputLink = new int[states];
        Arrays.fill(outputLink, -1);
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int child : targets[0]) {
            fail[child] = 0;
            queue.add(child);
        }
        while (!queue.isEmpty()) {
            int s = queue.poll();
            for (int i = 0; i < keys[s].length; i++) {
                char c = keys[s][i];
                int child = targets[s][i];
                int f = fail[s];
                int next;
                while ((next = step(f, c)) < 0) {
                    f = fail[f];
                }
                fail[child] = next == child ? 0 : next;
                int link = fail[child];
                outputLink[child] = outputs[link].length > 0 ? link : outputLink[link];
                queue.add(child);
            }
        }
    }

    /** Reports every occurrence of every pattern in {@code text[0, length)}. */
    void scan(CharSequence text, int length, Sink sink) {
        int state = 0;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            int next;
            while ((next = step(state, c)) < 0) {
                state = fail[state];
            }
            state = next;
            for (int s = outputs[state].length > 0 ? state : outputLink[state]; s > 0; s = outputLink[s]) {
                for (int p : outputs[s]) {
                    sink.match(p, i + 1 - patternLength[p], i + 1);
                }
            }
        }
    }

    /** The transition from {@code state} on {@code c}; from the root it always exists (to the root itself). */
    private int step(int state, char c) {
        if (state == 0) {
            return rootNext[c];
        }
        char[] k = keys[state];
        int lo = 0;
        int hi = k.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            char m = k[mid];
            if (m < c) {
                lo = mid + 1;
            } else if (m > c) {
                hi = mid - 1;
            } else {
                return targets[state][mid];
            }
        }
        return -1;
    }

    private static void sortTogether(char[] k, int[] t) {
        for (int i = 1; i < k.length; i++) {
            char kc = k[i];
            int tc = t[i];
            int j = i - 1;
            while (j >= 0 && k[j] > kc) {
                k[j + 1] = k[j];
                t[j + 1] = t[j];
                j--;
            }
            k[j + 1] = kc;
            t[j + 1] = tc;
        }
    }
}
