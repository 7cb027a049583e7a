package dev.xiaoer.intents.routing;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TriggerMatcherTest {

    private static List<String> matches(List<String> patterns, String text) {
        TriggerMatcher m = new TriggerMatcher(patterns);
        List<String> found = new ArrayList<>();
        m.scan(text, text.length(), (p, start, end) -> found.add(patterns.get(p) + "@" + start));
        return found;
    }

    @Test
    void findsEveryOccurrenceOfEveryPatternIncludingOverlapsInOnePass() {
        assertEquals(List.of("转人工@0", "人工@1", "人工客服@1", "人工@6", "人工费@6"),
                matches(List.of("人工", "转人工", "人工客服", "人工费"), "转人工客服，人工费"));
    }

    @Test
    void followsFailureLinksAcrossPartialMatches() {
        assertEquals(List.of("1231@2", "12315@2"), matches(List.of("12315", "1231"), "1212315"));
    }

    @Test
    void samePatternInTwoRulesIsReportedForBoth() {
        assertEquals(List.of("退款@0", "退款@0"), matches(List.of("退款", "退款"), "退款"));
    }

    @Test
    void tenThousandPatternsStillMatchExactly() {
        List<String> patterns = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            patterns.add("词" + i + "号");
        }
        assertEquals(List.of("词9999号@2"), matches(patterns, "找到词9999号了"));
    }
}
