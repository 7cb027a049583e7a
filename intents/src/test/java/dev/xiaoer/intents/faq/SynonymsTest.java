package dev.xiaoer.intents.faq;

import dev.xiaoer.intents.IntentFileException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SynonymsTest {

    @Test
    void everyWordMapsToTheFirstOfItsGroup() throws Exception {
        Synonyms s = Synonyms.parse("syn.txt", "# shop words\n快递, 物流，包裹\n发货,寄出 # comment\n");
        assertEquals("快递", s.canonicalOf("包裹"));
        assertEquals("快递", s.canonicalOf("物流"));
        assertEquals("发货", s.canonicalOf("寄出"));
        assertEquals("退货", s.canonicalOf("退货"));
    }

    @Test
    void wordsAreNormalisedSoTraditionalAndFullWidthEntriesWork() throws Exception {
        Synonyms s = Synonyms.parse("syn.txt", "快遞,ＳＦ快递\n");
        assertEquals("快递", s.canonicalOf("sf快递"));
    }

    @Test
    void aWordInTwoGroupsNamesBothLines() {
        IntentFileException e = assertThrows(IntentFileException.class,
                () -> Synonyms.parse("syn.txt", "快递,物流\n\n包裹,物流\n"));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("already in the group on line 1"), e.getMessage());
    }

    @Test
    void aGroupOfOneWordIsAMistake() {
        IntentFileException e = assertThrows(IntentFileException.class, () -> Synonyms.parse("syn.txt", "快递\n"));
        assertEquals(1, e.line());
    }

    @Test
    void aWordOfOnlySymbolsIsRejected() {
        IntentFileException e = assertThrows(IntentFileException.class,
                () -> Synonyms.parse("syn.txt", "快递,😊\n"));
        assertTrue(e.getMessage().contains("nothing left after normalisation"), e.getMessage());
    }

    @Test
    void theShippedListLoads() {
        assertTrue(Synonyms.embedded().size() > 100);
    }
}
