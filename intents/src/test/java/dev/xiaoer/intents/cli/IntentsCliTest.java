package dev.xiaoer.intents.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IntentsCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
        List<JsonNode> lines() throws Exception {
            List<JsonNode> nodes = new java.util.ArrayList<>();
            for (String line : out.split("\n")) {
                nodes.add(JSON.readTree(line));
            }
            return nodes;
        }
    }

    private static Run run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = IntentsCli.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void askWritesOneJsonLinePerInputLineInOrderEmptyLinesIncluded() throws Exception {
        Run r = run("发什么快递？\n\n我要退款！！\n你好\n火星上能种土豆吗\n", "ask");
        assertEquals(0, r.code(), r.err());
        List<JsonNode> lines = r.lines();
        assertEquals(5, lines.size());

        JsonNode answer = lines.get(0);
        assertEquals("发什么快递？", answer.get("query").asText());
        assertEquals("answer", answer.get("decision").asText());
        assertEquals("shipping-courier", answer.get("faqId").asText());
        assertTrue(answer.get("confidence").asDouble() > 0.5);
        assertEquals("shipping-courier", answer.get("candidates").get(0).get("id").asText());
        assertTrue(answer.get("candidates").size() <= 5);
        assertFalse(answer.has("route"));

        JsonNode empty = lines.get(1);
        assertEquals("", empty.get("query").asText());
        assertEquals("unknown", empty.get("decision").asText());
        assertTrue(empty.get("faqId").isNull());

        JsonNode handoff = lines.get(2);
        assertEquals("handoff", handoff.get("decision").asText());
        assertEquals("after-sales", handoff.get("route").get("queue").asText());
        assertEquals(50, handoff.get("route").get("priority").asInt());
        assertEquals("退款", handoff.get("route").get("trigger").asText());

        assertEquals("smalltalk", lines.get(3).get("decision").asText());
        assertEquals("unknown", lines.get(4).get("decision").asText());
    }

    @Test
    void askReportsFlagsOnlyWhenThereAreAny() throws Exception {
        List<JsonNode> lines = run("你们是骗子吧\n发什么快递\n", "ask").lines();
        assertEquals("abuse", lines.get(0).get("flags").get(0).get("rule").asText());
        assertFalse(lines.get(1).has("flags"));
    }

    @Test
    void askUsesTheGivenFaqAndRules() throws Exception {
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, "queues:\n  - id: vip\n    priority: 3\n    triggers: [批发]\n");
        Run r = run("保修多久\n我想批发\n", "ask", "--faq", "src/test/resources/faq/small-faq-v2.jsonl",
                "--rules", rules.toString());
        List<JsonNode> lines = r.lines();
        assertEquals("warranty", lines.get(0).get("faqId").asText());
        assertEquals("vip", lines.get(1).get("route").get("queue").asText());
    }

    @Test
    void askInConversationModeOffersAHumanAfterTwoUnknownsAndHandsOffOnYes() throws Exception {
        List<JsonNode> lines = run("火星上能种土豆吗\n你们老家下雪了没有\n好的\n", "ask", "--conversation").lines();
        assertFalse(lines.get(0).has("offerHuman"));
        assertTrue(lines.get(1).get("offerHuman").asBoolean());
        assertEquals("handoff", lines.get(2).get("decision").asText());
        assertEquals("human", lines.get(2).get("route").get("queue").asText());
    }

    @Test
    void aBadFaqFileExitsWithItsLineAndNoStackTrace() throws Exception {
        Path faq = dir.resolve("faq.jsonl");
        Files.writeString(faq, "{\"id\": \"a\", \"question\": \"q\"}\n");
        Run r = run("", "ask", "--faq", faq.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains(faq + ":1: answer: missing answer"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void unknownCommandsAndOptionsPrintUsage() {
        Run r = run("", "frobnicate");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("usage:"));
        assertEquals(2, run("", "ask", "--fqa", "x").code());
        assertEquals(2, run("", "eval").code());
    }

    @Test
    void evalPrintsTheFiguresAndWritesTheMisses() throws Exception {
        Path queries = dir.resolve("queries.jsonl");
        Files.writeString(queries, """
                {"query": "发啥快递", "expect": "courier"}
                {"query": "尺码怎么选", "expect": "invoice"}
                {"query": "火星上能种土豆吗", "expect": null}
                """);
        Path misses = dir.resolve("misses.jsonl");
        Run r = run("", "eval", "--faq", "src/test/resources/faq/small-faq.jsonl", "--queries", queries.toString(),
                "--misses", misses.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("queries          3 (2 in scope, 1 out of scope)"), r.out());
        assertTrue(r.out().contains("top-1 accuracy   0.500 (1/2)"), r.out());
        assertTrue(r.out().contains("MRR@5"), r.out());
        assertTrue(r.out().contains("answer precision"), r.out());
        assertTrue(r.out().contains("unknown-recall   1.000 (1/1"), r.out());
        List<String> missLines = Files.readAllLines(misses);
        assertTrue(missLines.stream().anyMatch(l -> l.contains("尺码怎么选")), missLines.toString());
        assertFalse(missLines.stream().anyMatch(l -> l.contains("火星")), missLines.toString());
    }

    @Test
    void evalBaselineRunsPlainSmartcn() throws Exception {
        Path queries = dir.resolve("queries.jsonl");
        Files.writeString(queries, "{\"query\": \"发什么快递\", \"expect\": \"courier\"}\n");
        Run r = run("", "eval", "--baseline", "--faq", "src/test/resources/faq/small-faq.jsonl", "--queries",
                queries.toString(), "--misses", dir.resolve("m.jsonl").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("baseline: plain smartcn BM25"), r.out());
        assertTrue(r.out().contains("top-1 accuracy   1.000 (1/1)"), r.out());
    }

    @Test
    void evalRejectsABadQueriesLine() throws Exception {
        Path queries = dir.resolve("queries.jsonl");
        Files.writeString(queries, "{\"query\": \"发什么快递\", \"expect\": \"courier\"}\n{\"q\": 1}\n");
        Run r = run("", "eval", "--faq", "src/test/resources/faq/small-faq.jsonl", "--queries", queries.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains(queries + ":2: query:"), r.err());
    }

    @Test
    void evalRoutingReportsAccuracyPerKindAndTheWrongLines() throws Exception {
        Path spec = dir.resolve("routing.jsonl");
        Files.writeString(spec, """
                {"message": "我要退款", "expect": "after-sales", "flag": null, "kind": "hit"}
                {"message": "退 款", "expect": "after-sales", "flag": null, "kind": "disguised"}
                {"message": "人工费多少", "expect": "human", "flag": null, "kind": "near-miss"}
                """);
        Run r = run("", "eval", "--routing", spec.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("wrong  line 3 (near-miss) 人工费多少: expected human/null, got null/null"),
                r.out());
        assertTrue(r.out().contains("hit              1/1      1.000"), r.out());
        assertTrue(r.out().contains("near-miss        0/1      0.000"), r.out());
        assertTrue(r.out().contains("all              2/3      0.667"), r.out());
    }
}
