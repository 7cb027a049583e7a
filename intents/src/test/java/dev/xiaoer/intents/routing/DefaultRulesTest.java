package dev.xiaoer.intents.routing;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped rules, as a shop owner would check them. */
class DefaultRulesTest {

    private static final RoutingRules RULES = RulesFile.embedded();

    private static String queue(String message) {
        return RULES.scan(message).route().map(h -> h.rule().id()).orElse(null);
    }

    private static List<String> flags(String message) {
        return RULES.scan(message).flags().stream().map(h -> h.rule().id()).toList();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"退款", "退 款", "退　款", "退.款", "退-款", "退款！！！", "退款??", "退😊款", "我要退錢",
            "把錢退給我", "退\u200b款", "亲我要退款呢"})
    void refundFiresHoweverItIsTyped(String message) {
        assertEquals("after-sales", queue(message));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"投訴你們,complaints", "轉人工,human", "人工客服,human", "人工客服,human", "１２３１５,complaints",
            "我要打12315,complaints", "315晚会曝光你们,complaints", "叫你们老板出来,human", "不要机器人,human"})
    void traditionalFullWidthAndPlainTriggersFire(String message, String expected) {
        assertEquals(expected, queue(message));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"'I want to talk to a human please',human", "REAL PERSON!!,human", "live agent,human",
            "'Can I speak to a person?',human", "is this human hair?,", "'human size chart',"})
    void englishBuyersReachAPersonWithWholePhrasesOnly(String message, String expected) {
        assertEquals(expected, queue(message));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"订单号3150123156", "我的电话13912315678", "价格3150元", "编号12315678", "3,150元那款",
            "型号A315", "1.315米的尺寸"})
    void numbersDoNotFireInsideLongerNumbers(String message) {
        assertEquals(null, queue(message));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"退出登录怎么弄", "这个款式有新款吗", "怎么退货", "退货地址是哪里", "七天无理由退换吗",
            "客服你好", "客服在吗", "人工智能音箱好用吗", "纯手工的吗", "工商银行卡能付吗", "有营业执照吗"})
    void nearMissesDoNotRoute(String message) {
        assertEquals(null, queue(message));
        assertEquals(List.of(), flags(message));
    }

    @Test
    void theHigherPriorityWinsWhenTwoQueuesFire() {
        assertEquals("complaints", queue("转人工！不给我退款我就投诉"));
        assertEquals("after-sales", queue("转人工，我要退款"));
        assertEquals("human", queue("人工客服在哪"));
    }

    @Test
    void theRouteNamesTheRuleWordAndWhereTheBuyerTypedIt() {
        String message = "亲，我要 退　款！！";
        RuleHit hit = RULES.scan(message).route().orElseThrow();
        assertEquals("退款", hit.trigger());
        assertEquals(message.indexOf('退'), hit.offset());
        RuleHit traditional = RULES.scan("我要投訴").route().orElseThrow();
        assertEquals("投诉", traditional.trigger());
        assertEquals(2, traditional.offset());
    }

    @Test
    void abuseIsFlaggedAndComesWithAnyDecision() {
        assertEquals(List.of("abuse"), flags("你们就是骗子"));
        assertEquals(null, queue("你们就是骗子"));
        RuleScan both = RULES.scan("骗子！我要退款");
        assertEquals("after-sales", both.route().orElseThrow().rule().id());
        assertEquals("骗子", both.flags().get(0).trigger());
        assertEquals(List.of("abuse"), flags("ＳＢ店家"));
        assertEquals(List.of("abuse"), flags("不退款就给差评"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"usb接口", "垃圾袋结实吗", "滚筒洗衣机", "怎么给差评", "差评可以追评吗", "去死皮膏好用吗",
            "喝的时候滚烫吗", "垃圾分类的袋子"})
    void innocentWordsAreNotFlagged(String message) {
        assertEquals(List.of(), flags(message));
    }

    /** Each shipped exception gets its own test: alone, and inside a sentence, it must not fire its rule. */
    @TestFactory
    List<DynamicTest> everyDefaultExceptionSilencesItsRule() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Rule rule : RULES.rules()) {
            for (String exception : rule.exceptions()) {
                tests.add(DynamicTest.dynamicTest(rule.id() + ": " + exception, () -> {
                    for (String message : List.of(exception, "请问" + exception + "怎么样")) {
                        RuleScan scan = RULES.scan(message);
                        Optional<RuleHit> route = scan.route().filter(h -> h.rule().id().equals(rule.id()));
                        boolean flagged = scan.flags().stream().anyMatch(h -> h.rule().id().equals(rule.id()));
                        assertFalse(route.isPresent() || flagged, message + " fired " + rule.id());
                    }
                }));
            }
        }
        assertTrue(tests.size() > 50, "exceptions: " + tests.size());
        return tests;
    }

    @Test
    void aTriggerNextToAnExceptionStillFires() {
        assertEquals("human", queue("人工费太贵了，转人工"));
        assertEquals("after-sales", queue("不用退款？不，我要退款"));
    }

    @Test
    void smalltalkRecognisesWholeMessagesOnly() {
        Smalltalk st = RULES.smalltalk();
        assertEquals(java.util.Set.of(Smalltalk.Category.GREETING), st.classify("亲在吗"));
        assertEquals(java.util.Set.of(Smalltalk.Category.GREETING), st.classify("客服你好"));
        assertEquals(java.util.Set.of(), st.classify("亲"));
        assertTrue(st.classify("不用了谢谢").contains(Smalltalk.Category.DECLINE_HUMAN));
        assertEquals(null, st.classify("你好，发什么快递"));
    }
}
