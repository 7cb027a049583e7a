package dev.xiaoer.intents.text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextNormalizerTest {

    @ParameterizedTest(name = "scan: {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "退款|退款",
            "退 款|退款",
            "退　款|退款",
            "退.款|退款",
            "退-款|退款",
            "退款！！！|退款",
            "退款??|退款",
            "投訴|投诉",
            "轉人工|转人工",
            "退錢|退钱",
            "１２３１５|12315",
            "ＳＢ|sb",
            "iPhone 12 Pro|iphone 12 pro",
            "退\u200b款|退款",
            "退😊款|退款",
            "😊😊😊|''",
            "亲，在吗~|亲在吗",
            "价格3,150.00元|价格3,150.00元",
            "订单 315 号|订单 315 号",
            "ｈｅｌｌｏ　ＷＯＲＬＤ|hello world",
            "'  \t\n '|''",
    })
    void scanFormRemovesEverythingBetweenHanCharacters(String input, String expected) {
        assertEquals(expected, TextNormalizer.forScan(input).text());
    }

    @ParameterizedTest(name = "search: {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "退 款|退款",
            "退.款|退 款",
            "請問發貨了嗎？？？|请问发货了吗",
            "快递到哪了!!!😭😭|快递到哪了",
            "亲，在吗~|亲 在吗",
            "iPhone12怎麼樣|iphone12怎么样",
            "Ｍ码和Ｌ码|m码和l码",
    })
    void searchFormKeepsPunctuationAsOneBoundary(String input, String expected) {
        assertEquals(expected, TextNormalizer.forSearch(input).text());
    }

    @Test
    void everyNormalisedCharacterPointsBackToWhereTheBuyerTypedIt() {
        String typed = "亲，我要 退　款！！";
        NormalizedText n = TextNormalizer.forScan(typed);
        assertEquals("亲我要退款", n.text());
        assertEquals('退', typed.charAt(n.originalOffset(n.text().indexOf("退款"))));
        assertEquals('款', typed.charAt(n.originalOffset(n.text().indexOf("款"))));
        assertEquals(typed.indexOf('款') + 1, n.originalOffset(n.length()));
    }

    @Test
    void offsetsSurviveEmojiAndSurrogatePairsBeforeTheWord() {
        String typed = "😡😡😡 退款";
        NormalizedText n = TextNormalizer.forScan(typed);
        assertEquals("退款", n.text());
        assertEquals(typed.indexOf('退'), n.originalOffset(0));
    }

    @Test
    void aHugeMessageIsCutAtTheCapAndSaysSo() {
        NormalizedText n = TextNormalizer.forScan("退".repeat(100_000));
        assertEquals(TextNormalizer.SCAN_CAP, n.length());
        assertTrue(n.truncated());
        assertEquals(TextNormalizer.SEARCH_CAP, TextNormalizer.forSearch("问".repeat(100_000)).length());
    }

    @Test
    void binaryGarbageBecomesBoundedAndNeverThrows() {
        StringBuilder garbage = new StringBuilder();
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 50_000; i++) {
            garbage.append((char) random.nextInt(65536));
        }
        NormalizedText n = TextNormalizer.forScan(garbage);
        assertTrue(n.length() <= TextNormalizer.SCAN_CAP);
        for (int i = 0; i <= n.length(); i++) {
            assertTrue(n.originalOffset(i) >= 0 && n.originalOffset(i) <= garbage.length());
        }
    }

    @Test
    void controlCharactersAloneLeaveNothing() {
        assertEquals("", TextNormalizer.forScan("\u0000\u0001\u0007\u001b\u200d\ufe0f").text());
        assertFalse(TextNormalizer.forScan("").truncated());
        assertEquals("", TextNormalizer.forScan(null).text());
    }

    @Test
    void loneSurrogatesAreDropped() {
        assertEquals("退款", TextNormalizer.forScan("退\ud800款\udc00").text());
    }
}
