package dev.xiaoer.intents.faq;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AssociationsTest {

    /**
     * A tiny FAQ, already tokenised: three entries say 退货 in one phrasing and 退回 in another, always next to
     * words both phrasings share; one phrasing also carries a one-off word (麻烦) beside 退货.
     */
    private static final List<List<List<String>>> FAQ = List.of(
            List.of(List.of("退货", "运费"), List.of("退回", "运费")),
            List.of(List.of("怎么", "退货"), List.of("怎么", "退回")),
            List.of(List.of("麻烦", "退货", "地址"), List.of("退回", "地址")),
            List.of(List.of("发票", "抬头"), List.of("发票", "抬头")));

    private static double strength(Associations associations, String from, String to) {
        return associations.of(from).stream().filter(r -> r.term().equals(to))
                .mapToDouble(Associations.Related::strength).findFirst().orElse(0);
    }

    @Test
    void wordsThatStandForEachOtherAcrossEntriesAreAssociatedBothWays() {
        Associations learned = Associations.learn(FAQ);
        assertEquals("退回", learned.of("退货").get(0).term());
        assertEquals("退货", learned.of("退回").get(0).term());
        assertTrue(strength(learned, "退货", "退回") > 0.3, "strength " + strength(learned, "退货", "退回"));
    }

    @Test
    void wordsBothPhrasingsShareAreNeverAssociated() {
        Associations learned = Associations.learn(FAQ);
        // 运费, 地址, 怎么 sit beside 退货 in every pair, but on both sides: no substitution, no association.
        for (String shared : List.of("运费", "地址", "怎么")) {
            assertEquals(0, strength(learned, "退货", shared), shared);
            assertEquals(0, strength(learned, "退回", shared), shared);
        }
        assertEquals(List.of(), learned.of("发票"));
    }

    @Test
    void aOneOffNeighbourIsWeakerThanTheRealSubstitute() {
        Associations learned = Associations.learn(FAQ);
        // 麻烦 appears once, beside 退货: 退回 explains its 退回 side far better than 麻烦 does.
        assertTrue(strength(learned, "退回", "麻烦") < strength(learned, "退回", "退货") / 2,
                "麻烦 " + strength(learned, "退回", "麻烦") + " vs 退货 " + strength(learned, "退回", "退货"));
    }

    @Test
    void anEntryWithOnePhrasingTeachesNothing() {
        assertEquals(0, Associations.learn(List.of(List.of(List.of("退货", "运费")))).size());
    }

    @Test
    void learningIsDeterministic() {
        assertEquals(Associations.learn(FAQ).of("退货"), Associations.learn(FAQ).of("退货"));
        assertEquals(Associations.learn(FAQ).of("退回"), Associations.learn(FAQ).of("退回"));
    }
}
