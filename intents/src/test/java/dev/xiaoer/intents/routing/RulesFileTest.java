package dev.xiaoer.intents.routing;

import dev.xiaoer.intents.IntentFileException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RulesFileTest {

    private static IntentFileException failure(String yaml) {
        return assertThrows(IntentFileException.class, () -> RulesFile.parse("rules.yaml", yaml));
    }

    @Test
    void aMinimalFileWorksAndBorrowsTheShippedSmalltalk() throws Exception {
        RoutingRules rules = RulesFile.parse("rules.yaml", """
                queues:
                  - id: refunds
                    priority: 5
                    triggers: [退款]
                """);
        assertEquals("refunds", rules.scan("我要退款").route().orElseThrow().rule().id());
        assertEquals("refunds", rules.rules().get(0).name());
        assertTrue(rules.smalltalk().classify("你好") != null);
    }

    @Test
    void badYamlNamesTheLine() {
        IntentFileException e = failure("queues:\n  - id: a\n    triggers: [退款\n");
        assertTrue(e.line() >= 3, e.getMessage());
        assertTrue(e.getMessage().startsWith("rules.yaml:"), e.getMessage());
        assertTrue(e.getMessage().contains("bad YAML"), e.getMessage());
    }

    @Test
    void aRuleWordThatNormalisesToNothingIsAnError() {
        IntentFileException e = failure("""
                queues:
                  - id: a
                    priority: 1
                    triggers: [退款, "！！"]
                """);
        assertEquals(4, e.line());
        assertTrue(e.getMessage().contains("empty after normalising"), e.getMessage());
    }

    @Test
    void theSameWordInTwoQueuesIsAnErrorEvenWhenWrittenDifferently() {
        IntentFileException e = failure("""
                queues:
                  - id: a
                    priority: 2
                    triggers: [退款]
                  - id: b
                    priority: 1
                    triggers:
                      - 退 款
                """);
        assertEquals(8, e.line());
        assertEquals("b.triggers", e.field());
        assertTrue(e.getMessage().contains("already a trigger of queue 'a' (line 4)"), e.getMessage());
    }

    @Test
    void twoQueuesWithOnePriorityAreAnError() {
        IntentFileException e = failure("""
                queues:
                  - id: a
                    priority: 1
                    triggers: [退款]
                  - id: b
                    priority: 1
                    triggers: [人工]
                """);
        assertEquals("priority", e.field());
    }

    @Test
    void missingPriorityAndNonNumericPriorityAreErrors() {
        assertTrue(failure("queues:\n  - id: a\n    triggers: [x]\n").getMessage().contains("a.priority"));
        IntentFileException e = failure("queues:\n  - id: a\n    priority: high\n    triggers: [x]\n");
        assertEquals(3, e.line());
    }

    @Test
    void unknownKeysAreNamedWithTheKnownOnes() {
        IntentFileException e = failure("""
                queues:
                  - id: a
                    priority: 1
                    trigers: [退款]
                """);
        assertEquals(4, e.line());
        assertTrue(e.getMessage().contains("queues.trigers: unknown key"), e.getMessage());
    }

    @Test
    void anExceptionThatCannotSilenceAnythingIsAnError() {
        IntentFileException e = failure("""
                queues:
                  - id: a
                    priority: 1
                    triggers: [人工]
                    exceptions: [快递费]
                """);
        assertTrue(e.getMessage().contains("never silences anything"), e.getMessage());
    }

    @Test
    void anExceptionInsideATriggerWouldSilenceItEverywhere() {
        IntentFileException e = failure("""
                queues:
                  - id: a
                    priority: 1
                    triggers: [人工客服]
                    exceptions: [人工]
                """);
        assertTrue(e.getMessage().contains("silence that trigger everywhere"), e.getMessage());
    }

    @Test
    void badIdsAndDuplicateIdsAreErrors() {
        assertTrue(failure("queues:\n  - id: After Sales\n    priority: 1\n    triggers: [x]\n")
                .getMessage().contains("not a valid id"));
        assertTrue(failure("""
                queues:
                  - id: a
                    priority: 1
                    triggers: [x]
                flags:
                  - id: a
                    triggers: [y]
                """).getMessage().contains("used twice"));
    }

    @Test
    void aFileWithoutQueuesOrWithEmptyTriggersIsAnError() {
        assertTrue(failure("flags: []\n").getMessage().contains("queues"));
        assertTrue(failure("queues:\n  - id: a\n    priority: 1\n    triggers: []\n").getMessage().contains("empty"));
        assertTrue(failure("").getMessage().contains("empty"));
    }

    @Test
    void smalltalkSectionsAreChecked() {
        IntentFileException e = failure("""
                queues:
                  - id: a
                    priority: 1
                    triggers: [x]
                smalltalk:
                  greeting:
                    phrases: [你好]
                """);
        assertEquals("smalltalk.greeting.reply", e.field());
    }
}
