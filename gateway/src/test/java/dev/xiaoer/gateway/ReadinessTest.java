package dev.xiaoer.gateway;

import dev.xiaoer.gateway.chat.FlakyStore;
import dev.xiaoer.gateway.chat.KeywordEngine;
import dev.xiaoer.gateway.chat.MutableClock;
import dev.xiaoer.gateway.store.InMemoryConversationStore;
import dev.xiaoer.intents.Candidate;
import dev.xiaoer.intents.Decision;
import dev.xiaoer.intents.DialogState;
import dev.xiaoer.intents.IntentEngine;
import dev.xiaoer.intents.Turn;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code /ready} says which of its checks fails, so that an operator knows where to look. */
class ReadinessTest {

    /** A bot whose FAQ has nothing in it. */
    private static final class EmptyFaq implements IntentEngine {
        private final KeywordEngine rules = new KeywordEngine();

        @Override
        public Turn decide(String message, DialogState state) {
            return rules.decide(message, state);
        }

        @Override
        public Optional<Decision.Answer> answer(String faqId) {
            return Optional.empty();
        }

        @Override
        public List<Candidate> hotQuestions(int max) {
            return List.of();
        }

        @Override
        public int faqSize() {
            return 0;
        }

        @Override
        public void reloadFaq(Path faqFile) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void reloadRules(Path rulesFile) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void aGatewayWithoutFaqEntriesOrAStoreThatCannotWriteIsNotReadyAndSaysWhich() throws Exception {
        FlakyStore store = new FlakyStore(new InMemoryConversationStore());
        try (Gateway gateway = Gateway.builder(TestGateway.testConfig().withPort(0)).store(store)
                .intents(new EmptyFaq()).clock(MutableClock.mondayShanghai(10, 0)).start()) {
            Http http = new Http(gateway.url());
            HttpResponse<String> faq = http.get("/ready", null);
            assertEquals(503, faq.statusCode());
            assertEquals("{\"status\":\"not_ready\",\"failing\":[\"faq\"],\"checks\":{\"faq\":\"failing\","
                    + "\"store\":\"ok\"}}", faq.body());
            store.failWrites(true);
            assertEquals("{\"status\":\"not_ready\",\"failing\":[\"faq\",\"store\"],\"checks\":{\"faq\":\"failing\","
                    + "\"store\":\"failing\"}}", http.get("/ready", null).body());
            assertEquals(200, http.get("/health", null).statusCode(), "alive all the same: do not restart it");
        }
    }
}
