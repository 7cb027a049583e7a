package dev.xiaoer.gateway.agent;

import dev.xiaoer.gateway.chat.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Agents' secrets as the config keeps them, and the console tokens a login hands out. */
class SecretHashTest {

    @Test
    void aHashLineChecksItsSecretAndNothingElse() {
        SecretHash h = SecretHash.of("小美的密码 2026".toCharArray(), SecretHash.MIN_ITERATIONS);
        String line = h.toString();
        assertTrue(line.startsWith("pbkdf2-sha256$10000$"), line);
        SecretHash read = SecretHash.parse(line);
        assertEquals(h, read);
        assertTrue(read.matches("小美的密码 2026".toCharArray()));
        assertFalse(read.matches("小美的密码 2025".toCharArray()));
        assertFalse(read.matches(new char[0]));
        assertNotEquals(line, SecretHash.of("小美的密码 2026".toCharArray(), SecretHash.MIN_ITERATIONS).toString(),
                "every hash has its own salt");
    }

    @Test
    void aLineThatIsNotAHashSaysWhyWithoutEchoingIt() {
        for (String bad : List.of("hunter2", "pbkdf2-sha256$abc$AAAA$AAAA", "bcrypt$10$x$y",
                "pbkdf2-sha256$10000$not base64!$AAAA", "pbkdf2-sha256$10000$AAAA$AAAA")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SecretHash.parse(bad));
            assertFalse(e.getMessage().contains(bad), e.getMessage());
        }
        String weak = SecretHash.of("x".toCharArray(), SecretHash.MIN_ITERATIONS).toString().replace("$10000$", "$999$");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SecretHash.parse(weak)).getMessage()
                .contains("999 iterations"));
    }

    @Test
    void anUnknownIdCostsAsMuchAsAWrongSecretAndFindsNobody() {
        Credentials c = new Credentials(List.of(TestAgents.agent("mei", "小美", 5, "human")));
        assertEquals("mei", c.check("mei", TestAgents.SECRET.toCharArray()).orElseThrow().id());
        assertEquals(Optional.empty(), c.check("mei", "nope".toCharArray()));
        assertEquals(Optional.empty(), c.check("ghost", TestAgents.SECRET.toCharArray()));
        assertEquals(Optional.empty(), c.check(null, TestAgents.SECRET.toCharArray()));
        assertTrue(c.withDemoSecret().isEmpty());
    }

    @Test
    void aTokenWorksUntilItExpiresOrItsAgentLogsOut() {
        MutableClock clock = MutableClock.mondayShanghai(10, 0);
        AgentTokens tokens = new AgentTokens(Duration.ofHours(8), clock);
        String a = tokens.issue("mei");
        String b = tokens.issue("mei");
        String c = tokens.issue("lan");
        assertEquals(43, a.length(), "256 random bits");
        assertNotEquals(a, b);
        assertEquals(Optional.of("mei"), tokens.agentOf(a));
        assertEquals(Optional.empty(), tokens.agentOf(a + "x"));
        assertEquals(Optional.empty(), tokens.agentOf(""));
        clock.advance(Duration.ofHours(7));
        assertEquals(Optional.of("lan"), tokens.agentOf(c));
        tokens.revokeAll("mei");
        assertEquals(Optional.empty(), tokens.agentOf(b));
        assertEquals(Optional.of("lan"), tokens.agentOf(c));
        clock.advance(Duration.ofHours(1));
        assertEquals(Optional.empty(), tokens.agentOf(c), "expired after 8 hours");
    }

    @Test
    void anAgentSeesTheirQueuesAndASupervisorSeesAll() {
        Agent mei = new Agent("mei", "小美", Set.of("human"), false, 3, Agent.Role.AGENT,
                SecretHash.parse(SecretHash.of("x".toCharArray(), SecretHash.MIN_ITERATIONS).toString()));
        assertTrue(mei.serves("human") && mei.sees("human"));
        assertFalse(mei.serves("complaints") || mei.sees("complaints"));
        assertFalse(mei.toString().contains("pbkdf2"), "a printed agent never shows the secret's hash");
        assertThrows(IllegalArgumentException.class, () -> new Agent("x", "x", Set.of(), true, 0, Agent.Role.AGENT,
                mei.secret()));
    }
}
