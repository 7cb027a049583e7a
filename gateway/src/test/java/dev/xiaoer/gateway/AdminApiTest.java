package dev.xiaoer.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaoer.gateway.admin.IntentFiles;
import dev.xiaoer.gateway.config.GatewayConfig;
import dev.xiaoer.intents.routing.RulesFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin API as a shop owner uses it with curl: tokens, FAQ uploads good and bad, reloads of hand-edited files,
 * and the supervisor's subset of it. The bot's answers over a buyer's WebSocket show what is in force.
 */
class AdminApiTest {

    private static final String FAQ = """
            {"id":"ship","question":"什么时候发货","answer":"付款后48小时内发货。"}
            {"id":"invoice","question":"能开发票吗","similar":["可以开发票吗"],"answer":"可以开电子发票。"}
            """;
    private static final String HUABEI = "可以用花呗吗";

    @TempDir
    Path dir;

    private AdminGateway shop;

    @AfterEach
    void stop() {
        if (shop != null) {
            shop.close();
        }
    }

    private Path faqFile() throws Exception {
        Path faq = dir.resolve("shop").resolve("faq.jsonl");
        Files.createDirectories(faq.getParent());
        Files.writeString(faq, FAQ);
        return faq;
    }

    private AdminGateway startWithFaqFile() throws Exception {
        shop = AdminGateway.start(AdminGateway.config(dir.resolve("data"), faqFile(), null));
        return shop;
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return TestBuyer.JSON.readTree(r.body());
    }

    private void assertAnswers(String question, String answer) {
        JsonNode reply = shop.ask(question);
        assertEquals("answer", reply.path("band").asText(), () -> question + " → " + reply);
        assertEquals(answer, reply.path("text").asText());
    }

    private void assertDoesNotKnow(String question) {
        JsonNode reply = shop.ask(question);
        assertEquals("unknown", reply.path("band").asText(), () -> question + " → " + reply);
    }

    @Test
    void withoutATokenInTheConfigTheAdminApiIsOff() throws Exception {
        shop = AdminGateway.start(AdminGateway.config(dir.resolve("data"), null, null)
                .withAdmin(new GatewayConfig.Admin("")));
        for (String path : List.of("/api/admin/summary", "/api/admin/faq", "/api/admin/unanswered")) {
            HttpResponse<String> r = shop.http.get(path, "");
            assertEquals(404, r.statusCode());
            assertEquals("admin_api_off", json(r).get("error").asText());
            assertTrue(json(r).get("message").asText().contains("admin.token"), "says how to turn it on");
        }
        HttpResponse<String> upload = shop.http.put("/api/admin/faq", "anything", FAQ.getBytes(StandardCharsets.UTF_8),
                "application/x-ndjson");
        assertEquals(404, upload.statusCode(), "no token guesses anything while it is off");
    }

    @Test
    void aMissingTokenIs401AWrongOneIs403AndTheRightOneWorks() throws Exception {
        startWithFaqFile();
        HttpResponse<String> none = shop.http.get("/api/admin/faq", null);
        assertEquals(401, none.statusCode());
        assertEquals("Bearer realm=\"xiaoer-admin\"", none.headers().firstValue("www-authenticate").orElse(""));
        HttpResponse<String> wrong = shop.http.get("/api/admin/faq", AdminGateway.TOKEN + "x");
        assertEquals(403, wrong.statusCode());
        HttpResponse<String> right = shop.http.get("/api/admin/faq", AdminGateway.TOKEN);
        assertEquals(200, right.statusCode(), right.body());
        assertEquals(2, json(right).get("entries").asInt());
        assertEquals("file", json(right).get("source").asText());
        assertEquals("faq-3", json(right).get("nextId").asText());
        HttpResponse<String> consoleToken = shop.http.get("/api/admin/faq", shop.consoleToken("boss"));
        assertEquals(403, consoleToken.statusCode(), "a console token is not the admin token");
    }

    @Test
    void wrongTokensFromOneAddressAreCutOffAfterTen() throws Exception {
        startWithFaqFile();
        for (int i = 0; i < 10; i++) {
            assertEquals(403, shop.http.get("/api/admin/summary", "guess-" + i).statusCode());
        }
        HttpResponse<String> eleventh = shop.http.get("/api/admin/summary", "guess-10");
        assertEquals(429, eleventh.statusCode());
        assertEquals("60", eleventh.headers().firstValue("retry-after").orElse(""));
        assertEquals(429, shop.http.get("/api/admin/summary", AdminGateway.TOKEN).statusCode(),
                "while the address is cut off, not even the right token is checked");
        assertTrue(new Scrape(shop.http.get("/metrics", null).body())
                .value("xiaoer_auth_failures_total", "api", "admin") >= 10);
    }

    @Test
    void supervisorEndpointsTakeASupervisorsConsoleTokenAndRefuseAgents() throws Exception {
        startWithFaqFile();
        assertEquals(401, shop.http.get("/api/supervisor/summary", null).statusCode());
        assertEquals(401, shop.http.get("/api/supervisor/summary", AdminGateway.TOKEN).statusCode(),
                "the admin token is not a console login");
        HttpResponse<String> agent = shop.http.get("/api/supervisor/summary", shop.consoleToken("mei"));
        assertEquals(403, agent.statusCode());
        assertTrue(json(agent).get("message").asText().contains("supervisor"));
        String boss = shop.consoleToken("boss");
        assertEquals(200, shop.http.get("/api/supervisor/summary", boss).statusCode());
        assertEquals(200, shop.http.get("/api/supervisor/unanswered", boss).statusCode());
        assertEquals(200, shop.http.get("/api/supervisor/flags", boss).statusCode());
        assertEquals(200, shop.http.get("/api/supervisor/faq", boss).statusCode());
        assertEquals(403, shop.http.put("/api/supervisor/faq", boss, FAQ.getBytes(StandardCharsets.UTF_8), null)
                .statusCode(), "uploads and reloads are the admin's");
        assertEquals(403, shop.http.post("/api/supervisor/faq/reload", boss, null).statusCode());
    }

    @Test
    void aBadUploadIsRefusedWithTheLoadersMessageAndTheOldFaqStays() throws Exception {
        Path faq = startWithFaqFile().config.intents().faq();
        byte[] before = Files.readAllBytes(faq);
        String bad = """
                {"id":"huabei","question":"可以用花呗吗","answer":"支持花呗分期。"}
                {"id":"ship","question":"什么时候发货"}
                """;
        HttpResponse<String> r = shop.http.put("/api/admin/faq", AdminGateway.TOKEN,
                bad.getBytes(StandardCharsets.UTF_8), "application/x-ndjson");
        assertEquals(400, r.statusCode());
        assertEquals("invalid", json(r).get("error").asText());
        assertTrue(json(r).get("message").asText().startsWith("uploaded FAQ:2: answer:"), r.body());

        HttpResponse<String> csv = shop.http.put("/api/admin/faq?format=csv", AdminGateway.TOKEN,
                "id,question,answer\nhuabei,\"可以用花呗吗,answer\n".getBytes(StandardCharsets.UTF_8), null);
        assertEquals(400, csv.statusCode());
        assertTrue(json(csv).get("message").asText().startsWith("uploaded FAQ:2:"), csv.body());

        assertArrayEquals(before, Files.readAllBytes(faq), "the file on disk is untouched");
        assertAnswers("什么时候发货", "付款后48小时内发货。");
        assertDoesNotKnow(HUABEI);
        Scrape metrics = new Scrape(shop.http.get("/metrics", null).body());
        assertEquals(2, metrics.value("xiaoer_faq_changes_total", "how", "upload", "result", "rejected"));
    }

    @Test
    void aGoodUploadSwapsTheFileAtomicallyKeepsABackupAndTheBotAnswersFromItAtOnce() throws Exception {
        Path faq = startWithFaqFile().config.intents().faq();
        byte[] before = Files.readAllBytes(faq);
        String good = """
                {"id":"ship","question":"什么时候发货","answer":"今天下单，明天发货。"}
                {"id":"huabei","question":"可以用花呗吗","similar":["能用花呗分期吗"],"answer":"支持花呗分期。"}
                """;
        HttpResponse<String> r = shop.http.put("/api/admin/faq", AdminGateway.TOKEN,
                good.getBytes(StandardCharsets.UTF_8), "application/x-ndjson");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(2, json(r).get("entries").asInt());
        Path backup = Path.of(json(r).get("backup").asText());
        assertArrayEquals(before, Files.readAllBytes(backup), "the old file is kept");
        assertTrue(backup.getFileName().toString().matches("faq\\.jsonl\\.\\d{8}-\\d{6}-\\d{3}\\.bak"),
                backup.toString());
        assertEquals(good, Files.readString(faq));
        try (Stream<Path> files = Files.list(faq.getParent())) {
            assertEquals(List.of("faq.jsonl", backup.getFileName().toString()), files.map(p -> p.getFileName()
                    .toString()).sorted().toList(), "no temporary file is left behind");
        }
        assertAnswers(HUABEI, "支持花呗分期。");
        assertAnswers("什么时候发货", "今天下单，明天发货。");
        assertDoesNotKnow("能开发票吗");
    }

    @Test
    void aCsvUploadIsConvertedToTheFormatOfTheFileInForce() throws Exception {
        Path faq = startWithFaqFile().config.intents().faq();
        String csv = "\uFEFFid,question,similar,answer\r\nhuabei,可以用花呗吗,能用花呗分期吗|花呗可以吗,\"支持花呗分期，"
                + "最多12期。\"\r\n";
        HttpResponse<String> r = shop.http.put("/api/admin/faq", AdminGateway.TOKEN,
                csv.getBytes(StandardCharsets.UTF_8), "text/csv");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("{\"id\":\"huabei\",\"question\":\"可以用花呗吗\",\"similar\":[\"能用花呗分期吗\",\"花呗可以吗\"],"
                + "\"answer\":\"支持花呗分期，最多12期。\"}\n", Files.readString(faq));
        assertAnswers(HUABEI, "支持花呗分期，最多12期。");
    }

    @Test
    void withTheEmbeddedFaqAnUploadGoesToTheDataFolderAndIsUsedAtTheNextStart() throws Exception {
        GatewayConfig config = AdminGateway.config(dir.resolve("data"), null, null);
        shop = AdminGateway.start(config);
        assertEquals("embedded", json(shop.http.get("/api/admin/faq", AdminGateway.TOKEN)).get("source").asText());
        assertEquals(409, shop.http.post("/api/admin/faq/reload", AdminGateway.TOKEN, null).statusCode(),
                "nothing on disk to reload");
        String csv = "id,question,answer\nhuabei,可以用花呗吗,支持花呗分期。\n";
        HttpResponse<String> r = shop.http.put("/api/admin/faq", AdminGateway.TOKEN,
                csv.getBytes(StandardCharsets.UTF_8), null);
        assertEquals(200, r.statusCode(), r.body());
        Path written = dir.resolve("data").resolve("faq.csv");
        assertEquals(written.toString(), json(r).get("file").asText(), "a CSV upload stays CSV");
        assertEquals(csv, Files.readString(written));
        assertAnswers(HUABEI, "支持花呗分期。");

        shop.close();
        shop = null;
        assertEquals(written, IntentFiles.faqAtStart(config), "the next start loads it");
        shop = AdminGateway.start(config);
        assertAnswers(HUABEI, "支持花呗分期。");
        assertEquals(200, shop.http.post("/api/admin/faq/reload", AdminGateway.TOKEN, null).statusCode());

        String jsonl = "{\"id\":\"ship\",\"question\":\"什么时候发货\",\"answer\":\"今天发。\"}\n";
        assertEquals(200, shop.http.put("/api/admin/faq", AdminGateway.TOKEN, jsonl.getBytes(StandardCharsets.UTF_8),
                null).statusCode());
        assertEquals("id,question,similar,answer,tags\nship,什么时候发货,,今天发。,\n", Files.readString(written),
                "the FAQ in force is CSV now: a JSON Lines upload is written as CSV");
        assertAnswers("什么时候发货", "今天发。");
    }

    @Test
    void aReloadPicksUpAHandEditedFileAndABrokenEditChangesNothing() throws Exception {
        Path faq = startWithFaqFile().config.intents().faq();
        Files.writeString(faq, FAQ + "{\"id\":\"huabei\",\"question\":\"可以用花呗吗\",\"answer\":\"支持花呗。\"}\n");
        HttpResponse<String> r = shop.http.post("/api/admin/faq/reload", AdminGateway.TOKEN, null);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(3, json(r).get("entries").asInt());
        assertAnswers(HUABEI, "支持花呗。");

        Files.writeString(faq, "{\"id\":\"ship\",\"question\":\"什么时候发货\",\"answer\":\"x\",\"anwser\":\"y\"}\n");
        HttpResponse<String> broken = shop.http.post("/api/admin/faq/reload", AdminGateway.TOKEN, null);
        assertEquals(400, broken.statusCode());
        assertEquals("faq.jsonl:1: anwser: unknown field (the fields are id, question, similar, answer, tags)",
                json(broken).get("message").asText().replace(faq.toString(), "faq.jsonl"));
        assertAnswers(HUABEI, "支持花呗。");
    }

    @Test
    void anOwnerCanDownloadTheFaqInForce() throws Exception {
        startWithFaqFile();
        HttpResponse<String> r = shop.http.get("/api/admin/faq/file", AdminGateway.TOKEN);
        assertEquals(200, r.statusCode());
        assertEquals(FAQ, r.body());
        assertEquals("attachment; filename=\"faq.jsonl\"", r.headers().firstValue("content-disposition").orElse(""));
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/x-ndjson"));
    }

    @Test
    void aNewEntryIsAppendedToTheFileAndAnsweredAtOnce() throws Exception {
        Path faq = startWithFaqFile().config.intents().faq();
        String boss = shop.consoleToken("boss");
        HttpResponse<String> r = shop.http.post("/api/supervisor/faq/entries", boss,
                "{\"question\":\"可以用花呗吗\",\"answer\":\"支持花呗分期。\",\"similar\":[\"能用花呗吗\"]}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("faq-3", json(r).get("id").asText());
        assertEquals(FAQ + "{\"id\":\"faq-3\",\"question\":\"可以用花呗吗\",\"similar\":[\"能用花呗吗\"],"
                + "\"answer\":\"支持花呗分期。\"}\n", Files.readString(faq), "the rest of the file is as it was");
        assertNotNull(json(r).get("backup"));
        assertAnswers(HUABEI, "支持花呗分期。");

        HttpResponse<String> duplicate = shop.http.post("/api/supervisor/faq/entries", boss,
                "{\"id\":\"ship\",\"question\":\"几点发货\",\"answer\":\"下午。\"}");
        assertEquals(400, duplicate.statusCode());
        assertTrue(json(duplicate).get("message").asText().contains("duplicate"), duplicate.body());
        HttpResponse<String> empty = shop.http.post("/api/supervisor/faq/entries", boss,
                "{\"question\":\"几点发货\",\"answer\":\"  \"}");
        assertEquals(400, empty.statusCode());
        assertEquals("answer: is empty (write the answer the bot should give)", json(empty).get("message").asText());
        assertEquals(400, shop.http.post("/api/supervisor/faq/entries", boss, "{\"question\":1}").statusCode());
        assertEquals(400, shop.http.post("/api/supervisor/faq/entries", boss, "not json").statusCode());
        assertEquals(3, Files.readString(faq).lines().count(), "nothing else was written");
    }

    @Test
    void aNewEntryInACsvFaqFollowsItsColumns() throws Exception {
        Path csv = dir.resolve("faq.csv");
        Files.writeString(csv, "answer,id,question\n付款后48小时内发货。,ship,什么时候发货\n");
        shop = AdminGateway.start(AdminGateway.config(dir.resolve("data"), csv, null));
        HttpResponse<String> r = shop.http.post("/api/admin/faq/entries", AdminGateway.TOKEN,
                "{\"id\":\"huabei\",\"question\":\"可以用花呗吗\",\"answer\":\"支持花呗, 分期\\\"免息\\\"。\"}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("answer,id,question\n付款后48小时内发货。,ship,什么时候发货\n\"支持花呗, 分期\"\"免息\"\"。\",huabei,"
                + "可以用花呗吗\n", Files.readString(csv), "a comma or a quote in a field is quoted as spreadsheets do");
        assertAnswers(HUABEI, "支持花呗, 分期\"免息\"。");
        HttpResponse<String> pipe = shop.http.post("/api/admin/faq/entries", AdminGateway.TOKEN,
                "{\"question\":\"几点发货\",\"similar\":[\"a|b\"],\"answer\":\"下午。\"}");
        assertEquals(400, pipe.statusCode());
        assertEquals("similar: the CSV FAQ has no similar column (add one to its header, or leave similar empty)",
                json(pipe).get("message").asText(), "never dropped without a word");
    }

    @Test
    void rulesAreReloadedFromDiskButNotWhenTheQueuesChange() throws Exception {
        Path rules = dir.resolve("rules.yaml");
        String shipped;
        try (InputStream in = RulesFile.class.getResourceAsStream(RulesFile.EMBEDDED)) {
            shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Files.writeString(rules, shipped);
        shop = AdminGateway.start(AdminGateway.config(dir.resolve("data"), null, rules));
        String ask = "叫你们掌柜出来";
        assertEquals("bot", shop.ask(ask).path("from").asText(), "not a rule word yet");

        Files.writeString(rules, shipped.replaceFirst("triggers: \\[", "triggers: [掌柜, "));
        HttpResponse<String> r = shop.http.post("/api/admin/rules/reload", AdminGateway.TOKEN, null);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("no_agents", shop.ask(ask).path("code").asText(), "handed to people (nobody is logged in)");

        Files.writeString(rules, shipped.replace("priority: 50", "priority: 60"));
        HttpResponse<String> queues = shop.http.post("/api/admin/rules/reload", AdminGateway.TOKEN, null);
        assertEquals(409, queues.statusCode());
        assertTrue(json(queues).get("message").asText().contains("restart"), queues.body());
        Files.writeString(rules, "queues: [");
        assertEquals(400, shop.http.post("/api/admin/rules/reload", AdminGateway.TOKEN, null).statusCode());
        assertEquals("no_agents", shop.ask(ask).path("code").asText(), "the rules in force are the last good ones");
    }

    @Test
    void reloadingTheEmbeddedRulesIsAConflict() throws Exception {
        startWithFaqFile();
        HttpResponse<String> r = shop.http.post("/api/admin/rules/reload", AdminGateway.TOKEN, null);
        assertEquals(409, r.statusCode());
        assertTrue(json(r).get("message").asText().contains("intents.rules"));
    }

    @Test
    void anUploadTooBigIsRefusedBeforeItIsRead() throws Exception {
        startWithFaqFile();
        // Only the headers are sent: the refusal must come without the gateway waiting for 5 MiB.
        try (Socket socket = new Socket("127.0.0.1", shop.gateway.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("PUT /api/admin/faq HTTP/1.1\r\nHost: shop\r\nAuthorization: Bearer "
                    + AdminGateway.TOKEN + "\r\nContent-Type: text/csv\r\nContent-Length: " + (5 << 20)
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
            assertTrue(answer.contains("at most 4096 KiB"), answer);
        }
        HttpResponse<String> entry = shop.http.post("/api/admin/faq/entries", AdminGateway.TOKEN,
                "{\"question\":\"" + "啊".repeat(40_000) + "\"}");
        assertEquals(413, entry.statusCode(), "an entry is a few KiB at most");
        assertEquals(413, shop.http.send("GET", "/api/admin/summary", AdminGateway.TOKEN, new byte[20_000], null)
                .statusCode(), "other requests carry no body worth the name");
        assertAnswers("什么时候发货", "付款后48小时内发货。");
    }

    @Test
    void metricsCanBeKeptBehindTheAdminTokenOrOff() throws Exception {
        shop = AdminGateway.start(AdminGateway.config(dir.resolve("data"), null, null)
                .withMetrics(new GatewayConfig.Metrics(GatewayConfig.MetricsAccess.TOKEN)));
        assertEquals(401, shop.http.get("/metrics", null).statusCode());
        assertEquals(403, shop.http.get("/metrics", "not-the-token").statusCode());
        HttpResponse<String> ok = shop.http.get("/metrics", AdminGateway.TOKEN);
        assertEquals(200, ok.statusCode());
        assertEquals(1, new Scrape(ok.body()).value("xiaoer_auth_failures_total", "api", "metrics"));
        shop.close();
        shop = AdminGateway.start(AdminGateway.config(dir.resolve("data"), null, null)
                .withMetrics(new GatewayConfig.Metrics(GatewayConfig.MetricsAccess.OFF)));
        assertEquals(404, shop.http.get("/metrics", AdminGateway.TOKEN).statusCode());
    }

    @Test
    void badParametersAndUnknownEndpointsAreNamed() throws Exception {
        startWithFaqFile();
        HttpResponse<String> date = shop.http.get("/api/admin/summary?date=yesterday", AdminGateway.TOKEN);
        assertEquals(400, date.statusCode());
        assertEquals("date: 'yesterday' is not a date like 2026-12-07", json(date).get("message").asText());
        assertEquals(400, shop.http.get("/api/admin/unanswered?limit=0", AdminGateway.TOKEN).statusCode());
        assertEquals(400, shop.http.get("/api/admin/unanswered?days=3&from=2026-12-01", AdminGateway.TOKEN)
                .statusCode());
        assertEquals(400, shop.http.get("/api/admin/unanswered?from=2026-12-07&to=2026-12-01", AdminGateway.TOKEN)
                .statusCode());
        assertEquals(404, shop.http.get("/api/admin/nothing", AdminGateway.TOKEN).statusCode());
        HttpResponse<String> method = shop.http.send("DELETE", "/api/admin/faq/entries", AdminGateway.TOKEN, null,
                null);
        assertEquals(405, method.statusCode());
        assertEquals("POST", method.headers().firstValue("allow").orElse(""));
    }
}
