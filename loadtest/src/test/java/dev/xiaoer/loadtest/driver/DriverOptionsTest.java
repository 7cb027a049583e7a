package dev.xiaoer.loadtest.driver;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DriverOptionsTest {

    @Test
    void theDefaultsAreAHundredBuyersOneQuestionInFlightEach() {
        DriverOptions o = DriverOptions.parse("--url", "ws://127.0.0.1:8080/ws/chat");
        assertEquals(100, o.connections());
        assertEquals(1, o.inFlight());
        assertEquals(DriverOptions.Target.GATEWAY, o.target());
        assertEquals(DriverOptions.Mix.ZIPF, o.mix());
        assertEquals(0.2, o.neverSeen());
        assertEquals(0, o.rate());
    }

    @Test
    void everyBadValueNamesItsOption() {
        assertMessage("--url is required", "--connections", "10");
        assertMessage("--url: write ws://HOST:PORT/PATH", "--url", "http://127.0.0.1:8080/ws/chat");
        assertMessage("--in-flight: write a number from 1 to 32", "--url", "ws://h:1/ws/chat", "--in-flight", "40");
        assertMessage("--mix: write zipf|unique|fixed", "--url", "ws://h:1/ws/chat", "--mix", "random");
        assertMessage("--never-seen: write a number from 0.0 to 1.0", "--url", "ws://h:1/ws/chat",
                "--never-seen", "20");
        assertMessage("--duration: 'ten' is not a whole number", "--url", "ws://h:1/ws/chat", "--duration", "ten");
        assertMessage("unknown option --users", "--url", "ws://h:1/ws/chat", "--users", "3");
        assertMessage("--rate needs a value", "--url", "ws://h:1/ws/chat", "--rate");
    }

    private static void assertMessage(String expected, String... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DriverOptions.parse(args));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }
}
