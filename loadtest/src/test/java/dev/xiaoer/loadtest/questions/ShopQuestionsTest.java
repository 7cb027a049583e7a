package dev.xiaoer.loadtest.questions;

import dev.xiaoer.intents.faq.FaqEntry;
import dev.xiaoer.intents.faq.FaqFile;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShopQuestionsTest {

    @Test
    void theBuildWritesEveryPhrasingOfTheShopFaqWithTheAnswerExpected() {
        List<ShopQuestion> questions = ShopQuestions.load();
        Set<String> written = new HashSet<>();
        questions.forEach(q -> written.add(q.entry() + "|" + q.text()));
        int phrasings = 0;
        for (FaqEntry e : FaqFile.embedded()) {
            for (String p : e.phrasings()) {
                phrasings++;
                assertTrue(written.contains(e.id() + "|" + p), "missing: " + e.id() + " " + p);
            }
        }
        assertEquals(phrasings, questions.size());
        // Every standard question is answered with its own entry: the engine's own sanity, and the feeder's.
        for (ShopQuestion q : questions) {
            if (q.kind().equals("question") && q.botReplies()) {
                assertEquals(q.entry(), q.faqId(), q.text());
            }
        }
    }

    @Test
    void aLineThatIsNotAQuestionNamesItsLine() {
        String file = "{\"text\":\"多久发货\",\"entry\":\"ship\",\"kind\":\"question\",\"band\":\"answer\",\"faqId\":\"ship\"}\n"
                + "{\"text\":\"退款\",\"entry\":\"refund\",\"kind\":\"question\",\"band\":\"answer\"}\n";
        IOException e = assertThrows(IOException.class,
                () -> ShopQuestions.read(new ByteArrayInputStream(file.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void aLineWrittenIsReadBackTheSame() throws IOException {
        ShopQuestion q = new ShopQuestion("能开\"发票\"吗", "invoice", "paraphrase", "answer", "invoice");
        List<ShopQuestion> back = ShopQuestions.read(new ByteArrayInputStream(
                (ShopQuestions.line(q) + "\n").getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of(q), back);
    }
}
