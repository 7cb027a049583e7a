package dev.xiaoer.intents.faq;

import dev.xiaoer.intents.IntentFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaqFileTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private IntentFileException failure(String name, String text) throws Exception {
        Path file = write(name, text);
        return assertThrows(IntentFileException.class, () -> FaqFile.read(file));
    }

    @Test
    void readsJsonLinesWithOptionalSimilarAndTags() throws Exception {
        List<FaqEntry> entries = FaqFile.read(Path.of("src/test/resources/faq/small-faq.jsonl"));
        assertEquals(5, entries.size());
        assertEquals(List.of("多久能发货", "付款后几天发出"), entries.get(0).similar());
        assertEquals(List.of("hot"), entries.get(0).tags());
        assertEquals(List.of(), entries.get(3).tags());
    }

    @Test
    void readsSpreadsheetCsvWithBomQuotesPipesAndLineBreaksInsideQuotes() throws Exception {
        List<FaqEntry> entries = FaqFile.read(Path.of("src/test/resources/faq/small-faq.csv"));
        assertEquals(3, entries.size());
        assertEquals("ship-time", entries.get(0).id());
        assertEquals(List.of("多久能发货", "付款后几天发出"), entries.get(0).similar());
        assertEquals("发什么快递，哪家？", entries.get(1).question());
        assertEquals("可以开\"电子\"发票，\n确认收货后申请。", entries.get(2).answer());
        assertEquals(List.of("invoice", "hot"), entries.get(2).tags());
        assertEquals(List.of(), entries.get(2).similar());
    }

    @Test
    void csvColumnsMayComeInAnyOrderAndTagsAndSimilarAreOptional() throws Exception {
        Path file = write("faq.csv", "answer,id,question\n默认发中通。,courier,发什么快递？\n");
        FaqEntry entry = FaqFile.read(file).get(0);
        assertEquals("courier", entry.id());
        assertEquals("默认发中通。", entry.answer());
    }

    @Test
    void duplicateIdNamesBothLines() throws Exception {
        IntentFileException e = failure("faq.jsonl", """
                {"id": "a", "question": "q1", "answer": "x"}
                {"id": "b", "question": "q2", "answer": "x"}
                {"id": "a", "question": "q3", "answer": "x"}
                """);
        assertEquals(3, e.line());
        assertEquals("id", e.field());
        assertTrue(e.getMessage().contains("faq.jsonl:3: id: duplicate id 'a' (first used on line 1)"),
                e.getMessage());
    }

    @Test
    void emptyQuestionIsRejected() throws Exception {
        IntentFileException e = failure("faq.jsonl", "{\"id\": \"a\", \"question\": \"  \", \"answer\": \"x\"}\n");
        assertEquals("question", e.field());
        assertEquals(1, e.line());
    }

    @Test
    void questionOfOnlyEmojiIsRejected() throws Exception {
        IntentFileException e = failure("faq.jsonl", "{\"id\": \"a\", \"question\": \"😊😊\", \"answer\": \"x\"}\n");
        assertEquals("question", e.field());
    }

    @Test
    void missingAnswerIsRejected() throws Exception {
        IntentFileException e = failure("faq.jsonl", "\n\n{\"id\": \"a\", \"question\": \"q\"}\n");
        assertEquals(3, e.line());
        assertEquals("answer", e.field());
    }

    @Test
    void badJsonNamesTheLine() throws Exception {
        IntentFileException e = failure("faq.jsonl", """
                {"id": "a", "question": "q", "answer": "x"}
                {"id": "b", "question": "q", "answer": "x",
                """);
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("bad JSON"), e.getMessage());
    }

    @Test
    void misspelledFieldIsAnErrorNotSilentlyIgnored() throws Exception {
        IntentFileException e = failure("faq.jsonl", "{\"id\": \"a\", \"question\": \"q\", \"answer\": \"x\", "
                + "\"similiar\": [\"q2\"]}\n");
        assertEquals("similiar", e.field());
    }

    @Test
    void similarMustBeAListOfStrings() throws Exception {
        IntentFileException e = failure("faq.jsonl", "{\"id\": \"a\", \"question\": \"q\", \"answer\": \"x\", "
                + "\"similar\": [1, 2]}\n");
        assertEquals("similar", e.field());
    }

    @Test
    void unclosedQuoteInCsvIsBadQuotingOnItsLine() throws Exception {
        IntentFileException e = failure("faq.csv", "id,question,answer\na,q,x\nb,\"q,x\n");
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("bad quoting"), e.getMessage());
    }

    @Test
    void textAfterAClosingQuoteIsBadQuoting() throws Exception {
        IntentFileException e = failure("faq.csv", "id,question,answer\na,\"q\"x,y\n");
        assertTrue(e.getMessage().contains("bad quoting"), e.getMessage());
    }

    @Test
    void strayQuoteInsideAnUnquotedFieldIsBadQuoting() throws Exception {
        IntentFileException e = failure("faq.csv", "id,question,answer\na,5\"屏幕,y\n");
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("bad quoting"), e.getMessage());
    }

    @Test
    void csvRowWithTheWrongNumberOfFieldsSaysHowToFixIt() throws Exception {
        IntentFileException e = failure("faq.csv", "id,question,answer\na,你好,再见,多余\n");
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("double quotes"), e.getMessage());
    }

    @Test
    void csvWithoutAnAnswerColumnIsRejectedAtTheHeader() throws Exception {
        IntentFileException e = failure("faq.csv", "id,question,similar\na,q,r\n");
        assertEquals(1, e.line());
        assertEquals("header", e.field());
    }

    @Test
    void notUtf8IsRejectedWithTheLine() throws Exception {
        Path file = dir.resolve("gbk.jsonl");
        byte[] gbk = "{\"id\": \"a\", \"question\": \"发货\", \"answer\": \"x\"}\n".getBytes("GBK");
        byte[] bytes = new byte[gbk.length + 1];
        bytes[0] = '\n';
        System.arraycopy(gbk, 0, bytes, 1, gbk.length);
        Files.write(file, bytes);
        IntentFileException e = assertThrows(IntentFileException.class, () -> FaqFile.read(file));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    }

    @Test
    void windowsLineEndingsWork() throws Exception {
        Path csv = write("faq.csv", "id,question,answer\r\na,发什么快递,中通\r\nb,包邮吗,包邮\r\n");
        assertEquals(List.of("a", "b"), FaqFile.read(csv).stream().map(FaqEntry::id).toList());
        Path jsonl = write("faq.jsonl", "{\"id\": \"a\", \"question\": \"q\", \"answer\": \"x\"}\r\n");
        assertEquals("x", FaqFile.read(jsonl).get(0).answer());
    }

    @Test
    void lineNumbersStayRightAfterAnAnswerSpanningSeveralLines() throws Exception {
        IntentFileException e = failure("faq.csv", "id,question,answer\na,q1,\"第一行\n第二行\n第三行\"\na,q2,x\n");
        assertEquals(5, e.line());
        assertTrue(e.getMessage().contains("first used on line 2"), e.getMessage());
    }

    @Test
    void emptyFileAndMissingFileAreClearErrors() throws Exception {
        assertTrue(failure("empty.jsonl", "\n\n").getMessage().contains("no FAQ entries"));
        IntentFileException missing = assertThrows(IntentFileException.class,
                () -> FaqFile.read(dir.resolve("nope.jsonl")));
        assertTrue(missing.getMessage().contains("cannot read"), missing.getMessage());
    }

    @Test
    void theEmbeddedShopFaqLoadsWithAtLeast150Entries() {
        List<FaqEntry> entries = FaqFile.embedded();
        assertTrue(entries.size() >= 150, "entries: " + entries.size());
        assertTrue(entries.stream().allMatch(e -> !e.similar().isEmpty()));
    }
}
