package dev.xiaoer.intents;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReloadTest {

    private static final Path SMALL = Path.of("src/test/resources/faq/small-faq.jsonl");
    private static final Path SMALL_V2 = Path.of("src/test/resources/faq/small-faq-v2.jsonl");

    @TempDir
    Path dir;

    private Path copy(Path source, String name) throws Exception {
        return Files.copy(source, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    private static String faqIdOf(Decision d) {
        return d instanceof Decision.Answer a ? a.faqId() : null;
    }

    @Test
    void reloadingSwapsTheFaqAndForgetsCachedDecisions() throws Exception {
        Path faq = copy(SMALL, "faq.jsonl");
        IntentEngine engine = IntentEngine.builder().faq(faq).synonyms(null).build();
        assertEquals("courier", faqIdOf(engine.decide("发什么快递？", DialogState.START).decision()));
        assertEquals(5, engine.faqSize());

        engine.reloadFaq(copy(SMALL_V2, "faq.jsonl"));
        assertEquals(2, engine.faqSize());
        assertInstanceOf(Decision.Unknown.class, engine.decide("发什么快递？", DialogState.START).decision());
        assertEquals("warranty", faqIdOf(engine.decide("保修多久？", DialogState.START).decision()));
        assertTrue(engine.answer("courier").isEmpty());
    }

    @Test
    void anInvalidFaqIsRejectedAndTheOldOneStays() throws Exception {
        IntentEngine engine = IntentEngine.builder().faq(SMALL).build();
        Path broken = dir.resolve("broken.jsonl");
        Files.writeString(broken, "{\"id\": \"a\", \"question\": \"q\", \"answer\": \"x\"}\n{\"id\": \"a\"",
                StandardCharsets.UTF_8);
        IntentFileException e = assertThrows(IntentFileException.class, () -> engine.reloadFaq(broken));
        assertTrue(e.getMessage().startsWith(broken + ":2:"), e.getMessage());
        assertEquals(5, engine.faqSize());
        assertEquals("courier", faqIdOf(engine.decide("发什么快递？", DialogState.START).decision()));
    }

    @Test
    void anInvalidRulesFileIsRejectedAndTheOldRulesStay() throws Exception {
        IntentEngine engine = IntentEngine.builder().faq(SMALL).build();
        Path bad = dir.resolve("rules.yaml");
        Files.writeString(bad, """
                queues:
                  - id: refunds
                    priority: 1
                    triggers: [退款, "！"]
                """, StandardCharsets.UTF_8);
        IntentFileException e = assertThrows(IntentFileException.class, () -> engine.reloadRules(bad));
        assertEquals(4, e.line());
        Decision.Handoff h = assertInstanceOf(Decision.Handoff.class,
                engine.decide("我要退款", DialogState.START).decision());
        assertEquals("after-sales", h.route().queue());
    }

    @Test
    void aValidRulesFileTakesEffectAtOnce() throws Exception {
        IntentEngine engine = IntentEngine.builder().faq(SMALL).build();
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, """
                queues:
                  - id: vip
                    name: 大客户
                    priority: 7
                    triggers: [批发, 团购]
                """, StandardCharsets.UTF_8);
        engine.reloadRules(rules);
        Decision.Handoff h = assertInstanceOf(Decision.Handoff.class,
                engine.decide("想批发一百件", DialogState.START).decision());
        assertEquals("vip", h.route().queue());
        assertEquals("大客户", h.route().queueName());
        assertInstanceOf(Decision.Unknown.class, engine.decide("我要退款", DialogState.START).decision());
    }

    @Test
    void queriesOnOtherThreadsNeverFailWhileTheFaqIsReloaded() throws Exception {
        Path faq = copy(SMALL, "faq.jsonl");
        IntentEngine engine = IntentEngine.builder().faq(faq).build();
        List<String> questions = List.of("发什么快递？", "保修多久？", "什么时候发货？", "是正品吗？", "退 款", "你好");
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(3);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Integer>> workers = new java.util.ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int offset = t;
                workers.add(pool.submit(() -> {
                    started.countDown();
                    int n = 0;
                    while (!stop.get()) {
                        String q = questions.get((n + offset) % questions.size());
                        Turn turn = engine.decide(q, DialogState.START);
                        seen.add(turn.decision().band() + ":" + faqIdOf(turn.decision()));
                        n++;
                    }
                    return n;
                }));
            }
            started.await();
            for (int i = 0; i < 6; i++) {
                engine.reloadFaq(copy(i % 2 == 0 ? SMALL_V2 : SMALL, "faq.jsonl"));
            }
            stop.set(true);
            for (Future<Integer> w : workers) {
                assertTrue(w.get(30, TimeUnit.SECONDS) > 0);
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        // Answers from both FAQs were served, and nothing but the two FAQs' entries ever came back.
        assertTrue(seen.contains("answer:courier"), seen.toString());
        assertTrue(seen.contains("answer:warranty") || seen.contains("answer:genuine"), seen.toString());
        for (String s : seen) {
            String id = s.substring(s.indexOf(':') + 1);
            assertTrue(Set.of("null", "ship-time", "courier", "invoice", "return-how", "size", "warranty", "genuine")
                    .contains(id), s);
        }
    }
}
