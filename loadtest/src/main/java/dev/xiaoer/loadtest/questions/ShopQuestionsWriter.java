package dev.xiaoer.loadtest.questions;

import dev.xiaoer.intents.Decision;
import dev.xiaoer.intents.DialogState;
import dev.xiaoer.intents.IntentEngine;
import dev.xiaoer.intents.IntentFileException;
import dev.xiaoer.intents.faq.FaqEntry;
import dev.xiaoer.intents.faq.FaqFile;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the question file at build time: every standard question and paraphrase of the FAQ, with the decision the
 * engine takes on it at the start of a conversation. The load generators check the gateway's replies against it,
 * so a reply that reaches the wrong buyer, or a cache that serves a stale decision, shows up as a failed check.
 *
 * <pre>java … ShopQuestionsWriter OUTPUT.jsonl [--faq FAQ.jsonl]</pre>
 * Without {@code --faq}, the FAQ embedded in the gateway (the one the load tests run against).
 */
public final class ShopQuestionsWriter {

    private ShopQuestionsWriter() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1 && !(args.length == 3 && args[1].equals("--faq"))) {
            System.err.println("usage: ShopQuestionsWriter OUTPUT.jsonl [--faq FAQ.jsonl]");
            System.exit(2);
        }
        Path faq = args.length == 3 ? Path.of(args[2]) : null;
        List<ShopQuestion> questions;
        try {
            questions = decide(faq == null ? FaqFile.embedded() : FaqFile.read(faq),
                    IntentEngine.builder().faq(faq).build());
        } catch (IntentFileException e) {
            System.err.println("ShopQuestionsWriter: " + e.getMessage());
            System.exit(2);
            return;
        }
        Path out = Path.of(args[0]);
        Files.createDirectories(out.toAbsolutePath().getParent());
        try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (ShopQuestion q : questions) {
                w.write(ShopQuestions.line(q));
                w.write('\n');
            }
        }
        Map<String, Integer> bands = new LinkedHashMap<>();
        int ownEntry = 0;
        for (ShopQuestion q : questions) {
            bands.merge(q.band(), 1, Integer::sum);
            if (q.entry().equals(q.faqId())) {
                ownEntry++;
            }
        }
        System.out.printf("shop questions: %d phrasings, bands %s, %d answered with their own entry -> %s%n",
                questions.size(), bands, ownEntry, out);
    }

    /** Each phrasing of each entry, with the engine's decision on it as the first message of a conversation. */
    static List<ShopQuestion> decide(List<FaqEntry> entries, IntentEngine engine) {
        List<ShopQuestion> out = new ArrayList<>();
        for (FaqEntry e : entries) {
            List<String> phrasings = e.phrasings();
            for (int i = 0; i < phrasings.size(); i++) {
                String text = phrasings.get(i);
                Decision d = engine.decide(text, DialogState.START).decision();
                String faqId = d instanceof Decision.Answer a ? a.faqId() : null;
                out.add(new ShopQuestion(text, e.id(), i == 0 ? "question" : "paraphrase", d.band(), faqId));
            }
        }
        return out;
    }
}
