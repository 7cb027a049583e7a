package dev.xiaoer.intents.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xiaoer.intents.IntentFileException;
import dev.xiaoer.intents.faq.ConfidenceBands;
import dev.xiaoer.intents.faq.FaqEntry;
import dev.xiaoer.intents.faq.FaqFile;
import dev.xiaoer.intents.faq.FaqIndex;
import dev.xiaoer.intents.faq.FaqMatch;
import dev.xiaoer.intents.faq.PlainBaseline;
import dev.xiaoer.intents.faq.Ranked;
import dev.xiaoer.intents.faq.Synonyms;
import dev.xiaoer.intents.text.TextNormalizer;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code eval}: runs every query of a {@code {"query", "expect"}} file through the FAQ alone (no rules, no small
 * talk: what is measured is the matcher) and prints the figures the README reports; misses go to a file.
 *
 * <p>Definitions: top-1 accuracy and MRR@5 over in-scope queries (expect not null); answer rate = in-scope
 * queries answered outright / in-scope queries; answer precision = correct answers / all answers (an answered
 * out-of-scope query is a wrong answer); unknown-recall = out-of-scope queries answered "unknown" / out-of-scope
 * queries. The baseline has no confidence: it answers its top hit whenever it has one.
 */
final class EvalCommand {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PROGRESS_EVERY = 500;

    /** One query of the evaluation set. */
    private record Query(int line, String text, String expect) {
    }

    /** What the matcher did with one query. */
    private record Outcome(Query query, List<Ranked> ranking, FaqMatch match) {
    }

    private EvalCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err)
            throws Options.UsageException, IntentFileException, IOException {
        Options o = Options.parse(args, 1, Set.of("--faq", "--synonyms", "--queries", "--misses", "--rules",
                "--routing", "--answer-threshold", "--suggest-threshold"), Set.of("--baseline", "--sweep"));
        if (o.path("--routing") != null) {
            return RoutingEval.run(dev.xiaoer.intents.IntentEngine.builder().faq(o.path("--faq"))
                    .synonyms(o.path("--synonyms")).rules(o.path("--rules")).build(), o.path("--routing"), out);
        }
        Path queriesFile = o.path("--queries");
        if (queriesFile == null) {
            throw new Options.UsageException("eval needs --queries FILE.jsonl (or --routing FILE.jsonl)");
        }
        Path faqFile = o.path("--faq");
        List<FaqEntry> entries = faqFile == null ? FaqFile.embedded() : FaqFile.read(faqFile);
        List<Query> queries = readQueries(queriesFile);
        double answerThreshold = o.number("--answer-threshold", ConfidenceBands.DEFAULT_ANSWER);
        ConfidenceBands bands = new ConfidenceBands(answerThreshold, o.number("--suggest-threshold",
                Math.min(ConfidenceBands.DEFAULT_SUGGEST, answerThreshold)));
        boolean baseline = o.flag("--baseline");

        Set<String> ids = new HashSet<>();
        entries.forEach(e -> ids.add(e.id()));
        long unknownIds = queries.stream().filter(q -> q.expect != null && !ids.contains(q.expect)).count();
        if (unknownIds > 0) {
            err.println("warning: " + unknownIds + " queries expect ids that are not in the FAQ (counted as misses)");
        }

        long buildStart = System.nanoTime();
        FaqIndex index = null;
        PlainBaseline plain = null;
        if (baseline) {
            plain = PlainBaseline.build(entries);
        } else {
            Path synonymsFile = o.path("--synonyms");
            index = FaqIndex.build(entries, synonymsFile == null ? Synonyms.embedded() : Synonyms.read(synonymsFile));
        }
        double buildSeconds = (System.nanoTime() - buildStart) / 1e9;

        List<Outcome> outcomes = new ArrayList<>(queries.size());
        long start = System.nanoTime();
        for (int i = 0; i < queries.size(); i++) {
            Query q = queries.get(i);
            List<Ranked> ranking;
            FaqMatch match;
            if (baseline) {
                ranking = plain.rank(q.text, ConfidenceBands.MAX_CANDIDATES);
                match = null;
            } else {
                ranking = index.rank(TextNormalizer.forSearch(q.text).text(), ConfidenceBands.MAX_CANDIDATES);
                match = bands.decide(ranking);
            }
            outcomes.add(new Outcome(q, ranking, match));
            if (queries.size() > 2 * PROGRESS_EVERY && (i + 1) % PROGRESS_EVERY == 0) {
                err.printf(Locale.ROOT, "eval: %d/%d queries%n", i + 1, queries.size());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        out.printf(Locale.ROOT, "mode             %s%n", baseline
                ? "baseline: plain smartcn BM25 (SmartChineseAnalyzer, question+similar, top-1, no confidence)"
                : "full design (normalisation, filler, synonyms, smartcn words + CJK bigrams, confidence bands)");
        out.printf(Locale.ROOT, "faq              %s: %d entries (index built in %.2f s)%n",
                faqFile == null ? "embedded shop FAQ" : faqFile, entries.size(), buildSeconds);
        if (!baseline) {
            out.printf(Locale.ROOT, "thresholds       answer %.2f, suggest %.2f%n", bands.answerThreshold(),
                    bands.suggestThreshold());
        }
        Report r = Report.of(outcomes, baseline, bands.answerThreshold());
        r.print(out, queries.size());
        out.printf(Locale.ROOT, "speed            %.0f queries/s on one thread, cold (no cache)%n",
                queries.size() / Math.max(seconds, 1e-9));
        if (o.flag("--sweep") && !baseline) {
            out.println();
            out.println("answer-threshold  answer-rate  answer-precision  suggest-rate  unknown-recall");
            for (int t = 20; t <= 90; t += 5) {
                Report s = Report.of(outcomes, false, t / 100.0);
                out.printf(Locale.ROOT, "  %.2f            %.3f        %.3f             %.3f         %s%n",
                        t / 100.0, s.answerRate(), s.answerPrecision(), s.suggestRate(), s.unknownRecallText());
            }
        }
        Path missesFile = o.path("--misses");
        if (missesFile == null) {
            missesFile = Path.of(System.getProperty("java.io.tmpdir"), "xiaoer-eval-misses.jsonl");
        }
        int misses = writeMisses(missesFile, outcomes, baseline);
        out.printf(Locale.ROOT, "misses           %d written to %s%n", misses, missesFile);
        return 0;
    }

    /** The figures of one run. */
    private record Report(int inScope, int outOfScope, int top1, double reciprocalRanks, int answered,
                          int answeredRight, int outOfScopeAnswered, int suggested, int suggestedRight,
                          int outOfScopeUnknown) {

        static Report of(List<Outcome> outcomes, boolean baseline, double answerThreshold) {
            int inScope = 0, outOfScope = 0, top1 = 0, answered = 0, right = 0, oosAnswered = 0, suggested = 0;
            int suggestedRight = 0, oosUnknown = 0;
            double rr = 0;
            for (Outcome o : outcomes) {
                String expect = o.query.expect;
                String best = o.ranking.isEmpty() ? null : o.ranking.get(0).entry().id();
                boolean answer;
                boolean suggest;
                if (baseline) {
                    answer = best != null;
                    suggest = false;
                } else {
                    double confidence = o.match.confidence();
                    answer = best != null && confidence >= answerThreshold;
                    suggest = !answer && o.match.band() != FaqMatch.Band.UNKNOWN;
                }
                if (expect == null) {
                    outOfScope++;
                    if (answer) {
                        oosAnswered++;
                    } else if (!suggest) {
                        oosUnknown++;
                    }
                    continue;
                }
                inScope++;
                for (int i = 0; i < o.ranking.size(); i++) {
                    if (o.ranking.get(i).entry().id().equals(expect)) {
                        rr += 1.0 / (i + 1);
                        if (i == 0) {
                            top1++;
                        }
                        break;
                    }
                }
                if (answer) {
                    answered++;
                    if (expect.equals(best)) {
                        right++;
                    }
                } else if (suggest) {
                    suggested++;
                    // What the buyer is shown: the best entry and its close rivals (independent of the thresholds).
                    FaqMatch shown = new ConfidenceBands(answerThreshold, 0).decide(o.ranking);
                    if (shown.shown().stream().anyMatch(s -> s.entry().id().equals(expect))) {
                        suggestedRight++;
                    }
                }
            }
            return new Report(inScope, outOfScope, top1, rr, answered, right, oosAnswered, suggested, suggestedRight,
                    oosUnknown);
        }

        double answerRate() {
            return ratio(answered, inScope);
        }

        double answerPrecision() {
            return ratio(answeredRight, answered + outOfScopeAnswered);
        }

        double suggestRate() {
            return ratio(suggested, inScope);
        }

        String unknownRecallText() {
            return outOfScope == 0 ? "n/a" : String.format(Locale.ROOT, "%.3f", ratio(outOfScopeUnknown, outOfScope));
        }

        void print(PrintStream out, int total) {
            out.printf(Locale.ROOT, "queries          %d (%d in scope, %d out of scope)%n", total, inScope,
                    outOfScope);
            out.printf(Locale.ROOT, "top-1 accuracy   %.3f (%d/%d)%n", ratio(top1, inScope), top1, inScope);
            out.printf(Locale.ROOT, "MRR@5            %.3f%n", inScope == 0 ? 0 : reciprocalRanks / inScope);
            out.printf(Locale.ROOT, "answer rate      %.3f (%d/%d in-scope queries answered outright)%n",
                    answerRate(), answered, inScope);
            out.printf(Locale.ROOT, "answer precision %.3f (%d right of %d answers, %d of them to out-of-scope "
                    + "queries)%n", answerPrecision(), answeredRight, answered + outOfScopeAnswered,
                    outOfScopeAnswered);
            out.printf(Locale.ROOT, "suggest rate     %.3f (%d/%d in-scope queries got suggestions; the right "
                    + "entry was among them for %d)%n", suggestRate(), suggested, inScope, suggestedRight);
            out.printf(Locale.ROOT, "unknown-recall   %s (%d/%d out-of-scope queries answered unknown)%n",
                    unknownRecallText(), outOfScopeUnknown, outOfScope);
        }

        private static double ratio(double a, double b) {
            return b == 0 ? 0 : a / b;
        }
    }

    private static int writeMisses(Path file, List<Outcome> outcomes, boolean baseline) throws IOException {
        int misses = 0;
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Outcome o : outcomes) {
                String expect = o.query.expect;
                String best = o.ranking.isEmpty() ? null : o.ranking.get(0).entry().id();
                String band = baseline ? (best == null ? "unknown" : "answer")
                        : o.match.band().name().toLowerCase(Locale.ROOT);
                String kind;
                if (expect == null) {
                    kind = band.equals("answer") ? "out-of-scope-answered" : null;
                } else if (band.equals("answer")) {
                    kind = expect.equals(best) ? null : "wrong-answer";
                } else {
                    kind = expect.equals(best) ? "right-but-not-answered" : "miss";
                }
                if (kind == null) {
                    continue;
                }
                misses++;
                ObjectNode n = JSON.createObjectNode();
                n.put("line", o.query.line);
                n.put("query", o.query.text);
                n.put("expect", expect);
                n.put("kind", kind);
                n.put("decision", band);
                if (!baseline) {
                    n.put("confidence", Math.round(o.match.confidence() * 1000) / 1000.0);
                }
                var list = n.putArray("ranking");
                for (Ranked r : o.ranking) {
                    list.addObject().put("id", r.entry().id()).put("question", r.entry().question())
                            .put("similarity", Math.round(r.similarity() * 1000) / 1000.0);
                }
                w.write(JSON.writeValueAsString(n));
                w.newLine();
            }
        }
        return misses;
    }

    private static List<Query> readQueries(Path file) throws IntentFileException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IntentFileException(file.toString(), 0, null, "cannot read the file: " + e.getMessage(), e);
        }
        List<Query> queries = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line.startsWith("\uFEFF") ? line.substring(1) : line);
            } catch (JsonProcessingException e) {
                throw new IntentFileException(file.toString(), i + 1, null, "bad JSON: " + e.getOriginalMessage());
            }
            if (node == null || !node.isObject() || !node.path("query").isTextual()) {
                throw new IntentFileException(file.toString(), i + 1, "query",
                        "each line must be {\"query\": \"…\", \"expect\": \"faq-id\" or null}");
            }
            JsonNode expect = node.get("expect");
            if (expect != null && !expect.isNull() && !expect.isTextual()) {
                throw new IntentFileException(file.toString(), i + 1, "expect", "must be a FAQ id or null");
            }
            queries.add(new Query(i + 1, node.get("query").asText(),
                    expect == null || expect.isNull() ? null : expect.asText()));
        }
        if (queries.isEmpty()) {
            throw new IntentFileException(file.toString(), 0, null, "no queries in the file");
        }
        return queries;
    }
}
