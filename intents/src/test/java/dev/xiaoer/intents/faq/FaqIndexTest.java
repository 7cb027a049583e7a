package dev.xiaoer.intents.faq;

import dev.xiaoer.intents.text.TextNormalizer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaqIndexTest {

    private static final FaqIndex SHOP = FaqIndex.build(FaqFile.embedded(), Synonyms.embedded());

    private static List<Ranked> rank(FaqIndex index, String query) {
        return index.rank(TextNormalizer.forSearch(query).text(), 5);
    }

    @Test
    void compiledPostingsScoreExactlyAsLucenesIndexSearcher() throws Exception {
        for (String query : List.of("什么时候发货", "快递到哪了", "能开发票吗 要专票", "iphone 充电器坏了",
                "退货退款运费谁出", "尺码偏大还是偏小", "AND OR NOT ( ) : ~ ^ * ?")) {
            String normalised = TextNormalizer.forSearch(query).text();
            for (String field : List.of(FaqAnalyzers.WORDS, FaqAnalyzers.BIGRAMS, FaqAnalyzers.ENTRY,
                    FaqAnalyzers.TOPIC)) {
                float[] lucene = SHOP.luceneScores(field, normalised);
                float[] compiled = SHOP.compiledScores(field, normalised);
                for (int doc = 0; doc < lucene.length; doc++) {
                    assertEquals(lucene[doc], compiled[doc], 1e-4f * Math.max(1f, lucene[doc]),
                            query + " " + field + " doc " + doc);
                }
            }
        }
    }

    @Test
    void everyQuestionOfTheShopFaqFindsItsOwnEntryFirst() {
        int misses = 0;
        StringBuilder which = new StringBuilder();
        for (FaqEntry entry : SHOP.entries()) {
            List<Ranked> ranking = rank(SHOP, entry.question());
            if (!ranking.get(0).entry().id().equals(entry.id())) {
                misses++;
                which.append(entry.id()).append(' ');
            }
        }
        assertEquals(0, misses, "standard questions not ranked first: " + which);
    }

    @Test
    void anExactPhrasingIsFullySimilar() {
        Ranked best = rank(SHOP, "发什么快递？").get(0);
        assertEquals("shipping-courier", best.entry().id());
        assertTrue(best.similarity() > 0.95, "similarity " + best.similarity());
    }

    @Test
    void segmentationDifferencesAreRescuedByCharacters() throws Exception {
        FaqIndex small = FaqIndex.build(FaqFile.read(Path.of("src/test/resources/faq/small-faq.jsonl")),
                Synonyms.none());
        // smartcn splits 快递 into 快/递 in one text and not in another; the character fields still agree.
        assertEquals("courier", rank(small, "发的啥快递").get(0).entry().id());
        assertEquals("ship-time", rank(small, "付款以后几天能发出去").get(0).entry().id());
    }

    @Test
    void queryWithNoWordOfTheFaqRanksNothing() {
        assertEquals(List.of(), rank(SHOP, "😊😊"));
        assertEquals(List.of(), rank(SHOP, ""));
        assertEquals(List.of(), rank(SHOP, "亲在吗"));
    }

    @Test
    void tiesKeepFileOrder() throws Exception {
        FaqIndex twins = FaqIndex.build(List.of(
                new FaqEntry("first", "保修多久", List.of(), "一年", List.of()),
                new FaqEntry("second", "保修多久", List.of(), "一年", List.of())), Synonyms.none());
        List<Ranked> ranking = rank(twins, "保修多久");
        assertEquals("first", ranking.get(0).entry().id());
        assertEquals(ranking.get(0).similarity(), ranking.get(1).similarity());
    }

    @Test
    void everyPhrasingOfTheShopFaqTypedAsWrittenIsAnsweredWithItsEntry() {
        ConfidenceBands bands = ConfidenceBands.defaults();
        StringBuilder missed = new StringBuilder();
        for (FaqEntry entry : SHOP.entries()) {
            for (String phrasing : entry.phrasings()) {
                FaqMatch match = bands.decide(rank(SHOP, phrasing));
                if (match.band() != FaqMatch.Band.ANSWER || !match.shown().get(0).entry().id().equals(entry.id())) {
                    missed.append(phrasing).append(" (").append(match.band()).append(") ");
                }
            }
        }
        assertEquals("", missed.toString());
    }

    @Test
    void aQuestionTypedAsWrittenIsExactEvenWhenALongerQuestionContainsIt() {
        List<Ranked> ranking = rank(SHOP, "什么时候发货");
        assertEquals("ship-time", ranking.get(0).entry().id());
        assertEquals(1.0, ranking.get(0).exactness(), 1e-6);
        // 预售什么时候发货 holds every word of the query, but the query says only part of it.
        Ranked presale = ranking.stream().filter(r -> r.entry().id().equals("presale-ship")).findFirst().orElseThrow();
        assertTrue(presale.exactness() < ConfidenceBands.EXACT_MIN, "exactness " + presale.exactness());
        FaqMatch match = ConfidenceBands.defaults().decide(ranking);
        assertEquals(FaqMatch.Band.ANSWER, match.band());
        assertTrue(match.confidence() >= 0.6, "confidence " + match.confidence());
    }

    @Test
    void aWordEveryPhrasingOfOneEntryRepeatsIsAsRareAsAWordOfOnePhrasing() {
        FaqIndex index = FaqIndex.build(List.of(
                new FaqEntry("warranty", "保修多久", List.of("保修几年", "保修怎么算"), "一年", List.of()),
                new FaqEntry("return", "怎么退货", List.of("可以退吗"), "七天无理由", List.of()),
                new FaqEntry("invoice", "能开发票吗", List.of(), "能", List.of())), Synonyms.none());
        // Phrasing fields count entries: 保修 (3 phrasings, 1 entry) weighs as much as 退货 (1 phrasing, 1 entry).
        assertEquals(index.idf(FaqAnalyzers.BIGRAMS, "退货"), index.idf(FaqAnalyzers.BIGRAMS, "保修"), 1e-6f);
        // The whole-entry field has one document per entry anyway.
        assertEquals(index.idf(FaqAnalyzers.ENTRY, "退货"), index.idf(FaqAnalyzers.ENTRY, "保修"), 1e-6f);
    }

    @Test
    void associationsLearnedFromParaphrasesBridgeAWordTheEntryNeverUses() {
        List<FaqEntry> faq = List.of(
                new FaqEntry("return-fee", "退货运费谁出", List.of("退回运费谁出"), "买家承担", List.of()),
                new FaqEntry("return-how", "怎么退货", List.of("怎么退回"), "订单页申请", List.of()),
                new FaqEntry("return-address", "退货地址在哪", List.of("退回地址在哪"), "见订单页", List.of()),
                new FaqEntry("return-days", "几天内可以退回", List.of("几天内可以申请"), "七天", List.of()),
                new FaqEntry("ship-days", "几天内发货", List.of("几天发出"), "两天", List.of()));
        FaqIndex index = FaqIndex.build(faq, Synonyms.none());
        assertTrue(index.wordAssociations().of("退货").stream().anyMatch(r -> r.term().equals("退回")),
                "associations of 退货: " + index.wordAssociations().of("退货"));
        // return-days only ever says 退回; a buyer who writes 退货 still finds it ahead of shipping.
        List<Ranked> ranking = rank(index, "几天内可以退货");
        assertEquals("return-days", ranking.get(0).entry().id());
    }
}
