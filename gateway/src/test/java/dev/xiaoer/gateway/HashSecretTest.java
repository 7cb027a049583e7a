package dev.xiaoer.gateway;

import dev.xiaoer.gateway.agent.SecretHash;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code java -jar xiaoer-gateway.jar hash-secret}: a secret in, the config's hash line out. */
class HashSecretTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String stdin, String... args) {
        return HashSecret.run(args, null, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String printed() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aSecretPipedInComesOutAsOneHashLineThatChecksIt() {
        assertEquals(0, run("新的密码-2026\n", "--iterations", "10000"));
        String line = printed().strip();
        assertEquals(1, printed().lines().count(), "one line, to paste into the config");
        assertTrue(line.startsWith("pbkdf2-sha256$10000$"), line);
        assertTrue(SecretHash.parse(line).matches("新的密码-2026".toCharArray()));
        assertFalse(printed().contains("新的密码") || err.toString(StandardCharsets.UTF_8).contains("新的密码"),
                "the secret itself is never printed");
    }

    @Test
    void theDefaultWorkFactorIsTheRecommendedOne() {
        assertEquals(0, run("correct horse battery staple"));
        assertEquals(SecretHash.DEFAULT_ITERATIONS, SecretHash.parse(printed().strip()).iterations());
    }

    @Test
    void anEmptySecretOrABadOptionIsRefusedWithExitCode2AndAShortOneIsWarnedAbout() {
        assertEquals(2, run("\n"));
        assertEquals(2, run(""));
        assertEquals(2, run("secret", "--iterations", "12"));
        assertEquals(2, run("secret", "--salt", "x"));
        assertTrue(printed().isEmpty());
        assertEquals(0, run("abc", "--iterations", "10000"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("easy to guess"));
    }

    @Test
    void theGatewayCommandLineKnowsTheSubcommand() {
        assertEquals(0, GatewayMain.run(new String[]{"hash-secret", "--help"}));
    }
}
