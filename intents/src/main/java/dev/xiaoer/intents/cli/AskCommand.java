package dev.xiaoer.intents.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xiaoer.intents.Candidate;
import dev.xiaoer.intents.Decision;
import dev.xiaoer.intents.DialogState;
import dev.xiaoer.intents.Flag;
import dev.xiaoer.intents.IntentEngine;
import dev.xiaoer.intents.IntentEngineBuilder;
import dev.xiaoer.intents.IntentFileException;
import dev.xiaoer.intents.Route;
import dev.xiaoer.intents.Turn;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * {@code ask}: one JSON line out for every line in, in order, flushed at once, so that it can be driven
 * interactively through a pipe.
 */
final class AskCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AskCommand() {
    }

    static int run(String[] args, InputStream in, PrintStream out)
            throws Options.UsageException, IntentFileException, IOException {
        Options o = Options.parse(args, 1,
                Set.of("--faq", "--synonyms", "--rules", "--answer-threshold", "--suggest-threshold"),
                Set.of("--conversation"));
        IntentEngineBuilder builder = IntentEngine.builder().faq(o.path("--faq")).synonyms(o.path("--synonyms"))
                .rules(o.path("--rules"))
                .answerThreshold(o.number("--answer-threshold", Double.NaN))
                .suggestThreshold(o.number("--suggest-threshold", Double.NaN));
        IntentEngine engine = builder.build();
        boolean conversation = o.flag("--conversation");
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        DialogState state = DialogState.START;
        String line;
        while ((line = reader.readLine()) != null) {
            Turn turn = engine.decide(line, conversation ? state : DialogState.START);
            state = turn.next();
            out.println(JSON.writeValueAsString(toJson(line, turn, conversation)));
            out.flush();
        }
        return 0;
    }

    static ObjectNode toJson(String query, Turn turn, boolean conversation) {
        ObjectNode node = JSON.createObjectNode();
        node.put("query", query);
        Decision d = turn.decision();
        node.put("decision", d.band());
        List<Candidate> candidates = List.of();
        if (d instanceof Decision.Answer a) {
            node.put("faqId", a.faqId());
            node.put("confidence", round(a.confidence()));
            candidates = a.candidates();
        } else if (d instanceof Decision.Suggest s) {
            node.putNull("faqId");
            node.put("confidence", round(s.confidence()));
            candidates = s.candidates();
        } else if (d instanceof Decision.Unknown u) {
            node.putNull("faqId");
            node.put("confidence", round(u.confidence()));
            candidates = u.candidates();
        } else {
            node.putNull("faqId");
            node.putNull("confidence");
        }
        ArrayNode list = node.putArray("candidates");
        for (Candidate c : candidates) {
            list.addObject().put("id", c.faqId()).put("confidence", round(c.confidence()));
        }
        if (d instanceof Decision.Handoff h) {
            Route r = h.route();
            ObjectNode route = node.putObject("route");
            route.put("queue", r.queue());
            route.put("priority", r.priority());
            route.put("trigger", r.trigger());
            route.put("offset", r.offset());
        }
        if (d instanceof Decision.Smalltalk s) {
            node.put("reply", s.reply());
        }
        if (!turn.flags().isEmpty()) {
            ArrayNode flags = node.putArray("flags");
            for (Flag f : turn.flags()) {
                flags.addObject().put("rule", f.rule()).put("trigger", f.trigger()).put("offset", f.offset());
            }
        }
        if (conversation && d instanceof Decision.Unknown u && u.offerHuman()) {
            node.put("offerHuman", true);
        }
        return node;
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
