package dev.xiaoer.loadtest.driver;

import dev.xiaoer.loadtest.echo.EchoServer;
import dev.xiaoer.loadtest.questions.ShopQuestion;
import dev.xiaoer.loadtest.questions.ShopQuestions;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The driver against the echo server and a fake gateway, in this JVM: what it counts, not how fast. */
class LeanDriverTest {

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @Test
    void everyQuestionSentToTheEchoServerComesBackInOrder() throws Exception {
        try (EchoServer echo = EchoServer.start("127.0.0.1", 0)) {
            DriverResult r = LeanDriver.run(DriverOptions.parse("--url", echo.chatUrl(), "--target", "echo",
                    "--connections", "4", "--in-flight", "3", "--warmup", "0", "--duration", "1"), QUIET);
            assertTrue(r.clean(), r.report());
            assertEquals(4, r.connected());
            assertTrue(r.replies().getTotalCount() > 0, r.report());
            assertEquals(0, r.unanswered());
        }
    }

    @Test
    void idleConnectionsPingAndArePonged() throws Exception {
        try (EchoServer echo = EchoServer.start("127.0.0.1", 0)) {
            DriverResult r = LeanDriver.run(DriverOptions.parse("--url", echo.chatUrl(), "--target", "echo",
                    "--mode", "idle", "--connections", "10", "--rate", "50", "--warmup", "0", "--duration", "1"),
                    QUIET);
            assertTrue(r.clean(), r.report());
            assertTrue(r.replies().getTotalCount() > 0, "no pong: " + r.report());
        }
    }

    @Test
    void aGatewayThatAnswersRightPassesAtAPacedRate() throws Exception {
        Map<String, String> rightEntry = new HashMap<>();
        for (ShopQuestion q : ShopQuestions.load()) {
            rightEntry.put(q.text(), q.faqId());
        }
        try (FakeGateway gateway = new FakeGateway(text -> rightEntry.getOrDefault(text, "whatever"))) {
            DriverResult r = LeanDriver.run(DriverOptions.parse("--url", gateway.url(), "--connections", "3",
                    "--rate", "100", "--warmup", "0", "--duration", "1", "--never-seen", "0.5"), QUIET);
            assertTrue(r.clean(), r.report());
            assertTrue(r.acks().getTotalCount() > 0, "acks are timed too");
        }
    }

    @Test
    void aWrongAnswerFailsTheRun() throws Exception {
        try (FakeGateway gateway = new FakeGateway(text -> "someone-elses-answer")) {
            DriverResult r = LeanDriver.run(DriverOptions.parse("--url", gateway.url(), "--connections", "2",
                    "--warmup", "0", "--duration", "1", "--never-seen", "0"), QUIET);
            assertFalse(r.clean());
            assertTrue(r.wrong() > 0);
            assertTrue(r.report().contains("expected answer/"), r.report());
        }
    }

    @Test
    void aServerThatIsNotThereIsAConnectFailure() throws Exception {
        int port;
        try (EchoServer echo = EchoServer.start("127.0.0.1", 0)) {
            port = echo.port();
        }
        DriverResult r = LeanDriver.run(DriverOptions.parse("--url", "ws://127.0.0.1:" + port + "/ws/chat",
                "--connections", "2", "--warmup", "0", "--duration", "1"), QUIET);
        assertFalse(r.clean());
        assertEquals(2, r.connectFailures());
        assertEquals(0, r.connected());
    }
}
