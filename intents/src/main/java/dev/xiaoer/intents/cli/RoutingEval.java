package dev.xiaoer.intents.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xiaoer.intents.Decision;
import dev.xiaoer.intents.DialogState;
import dev.xiaoer.intents.IntentEngine;
import dev.xiaoer.intents.IntentFileException;
import dev.xiaoer.intents.Turn;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * {@code eval --routing FILE}: every {@code {"message", "expect": queue|null, "flag": rule|null, "kind"}} line
 * through the whole engine, as {@code ask} would, with accuracy per kind; a line is right when both the queue
 * (or no handoff) and the first flag (or none) are as expected. Wrong lines are printed.
 */
final class RoutingEval {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RoutingEval() {
    }

    static int run(IntentEngine engine, Path file, PrintStream out) throws IntentFileException, IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<String, int[]> perKind = new TreeMap<>();
        int total = 0;
        int right = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            JsonNode spec;
            try {
                spec = JSON.readTree(lines.get(i));
            } catch (JsonProcessingException e) {
                throw new IntentFileException(file.toString(), i + 1, null, "bad JSON: " + e.getOriginalMessage());
            }
            if (!spec.path("message").isTextual()) {
                throw new IntentFileException(file.toString(), i + 1, "message", "each line must be {\"message\", "
                        + "\"expect\": queue or null, \"flag\": rule or null, \"kind\"}");
            }
            String message = spec.get("message").asText();
            String expect = text(spec.get("expect"));
            String flag = text(spec.get("flag"));
            String kind = spec.path("kind").asText("all");
            Turn turn = engine.decide(message, DialogState.START);
            String queue = turn.decision() instanceof Decision.Handoff h ? h.route().queue() : null;
            String gotFlag = turn.flags().isEmpty() ? null : turn.flags().get(0).rule();
            boolean ok = Objects.equals(expect, queue) && Objects.equals(flag, gotFlag);
            int[] counts = perKind.computeIfAbsent(kind, k -> new int[2]);
            counts[1]++;
            total++;
            if (ok) {
                counts[0]++;
                right++;
            } else {
                out.printf(Locale.ROOT, "wrong  line %d (%s) %s: expected %s/%s, got %s/%s%n", i + 1, kind, message,
                        expect, flag, queue, gotFlag);
            }
        }
        out.println("kind         right/lines  accuracy");
        for (Map.Entry<String, int[]> e : perKind.entrySet()) {
            out.printf(Locale.ROOT, "%-12s %5d/%-5d  %.3f%n", e.getKey(), e.getValue()[0], e.getValue()[1],
                    e.getValue()[0] / (double) e.getValue()[1]);
        }
        out.printf(Locale.ROOT, "%-12s %5d/%-5d  %.3f%n", "all", right, total, total == 0 ? 0 : right / (double) total);
        return 0;
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
