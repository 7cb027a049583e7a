package dev.xiaoer.gateway.config;

import dev.xiaoer.gateway.agent.Agent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The config a shop owner writes: defaults fill the gaps, and every mistake is named with file, line and fix. */
class GatewayConfigTest {

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path f = dir.resolve("gateway.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    private ConfigException refused(String yaml) throws IOException {
        Path f = write(yaml);
        return assertThrows(ConfigException.class, () -> GatewayConfig.load(f));
    }

    @Test
    void theEmbeddedDefaultsDescribeAWorkingGateway() {
        GatewayConfig c = GatewayConfig.defaults();
        assertEquals("127.0.0.1", c.server().host());
        assertEquals(8080, c.server().port());
        assertNull(c.server().tls());
        assertEquals(Path.of("./data"), c.dataDir());
        assertNull(c.intents().faq(), "the embedded FAQ");
        assertEquals(2, c.intents().unknownsBeforeOffer());
        assertEquals(List.of(), c.allowedOrigins());
        assertEquals(16384, c.limits().maxFrameBytes());
        assertEquals(ZoneId.of("Asia/Shanghai"), c.businessHours().timeZone());
        assertEquals(1, c.businessHours().week().get(DayOfWeek.MONDAY).size());
        assertTrue(c.texts().containsKey("zh") && c.texts().containsKey("en"));
        assertEquals(90, c.retention().days());
        assertEquals(180, c.queues().handleSeconds());
    }

    @Test
    void aUserFileOverridesOnlyTheKeysItGives() throws IOException, ConfigException {
        Files.writeString(dir.resolve("faq.jsonl"), "{}\n");
        GatewayConfig c = GatewayConfig.load(write("""
                server:
                  port: 9000
                intents:
                  faq: faq.jsonl
                limits:
                  maxTextChars: 500
                businessHours:
                  saturday: "10:00-12:00, 13:30-17:00"
                  sunday: closed
                  closedDates: ["2026-02-17"]
                allowedOrigins: ["https://shop.example.com"]
                texts:
                  zh:
                    greeting: "欢迎光临小店"
                """));
        assertEquals(9000, c.server().port());
        assertEquals("127.0.0.1", c.server().host(), "untouched keys keep their defaults");
        assertEquals(dir.resolve("faq.jsonl").toAbsolutePath(), c.intents().faq(), "relative to the config file");
        assertEquals(500, c.limits().maxTextChars());
        assertEquals(16384, c.limits().maxFrameBytes());
        assertEquals(List.of(new GatewayConfig.Opening(600, 720), new GatewayConfig.Opening(810, 1020)),
                c.businessHours().week().get(DayOfWeek.SATURDAY));
        assertEquals(List.of(), c.businessHours().week().get(DayOfWeek.SUNDAY));
        assertTrue(c.businessHours().closedDates().contains(LocalDate.of(2026, 2, 17)));
        assertEquals("欢迎光临小店", c.textsFor("zh").greeting());
        assertEquals(GatewayConfig.defaults().textsFor("zh").unknown(), c.textsFor("zh").unknown());
        assertEquals(List.of("https://shop.example.com"), c.allowedOrigins());
    }

    @Test
    void anUnknownKeyIsNamedWithItsLineAndTheKeyThatWasMeant() throws IOException {
        ConfigException e = refused("server:\n  port: 9000\nlimit:\n  maxTextChars: 10\n");
        assertEquals(3, e.line());
        assertEquals("limit", e.key());
        assertTrue(e.getMessage().endsWith("gateway.yaml:3: limit: unknown key (did you mean limits?)"), e.getMessage());

        ConfigException nested = refused("limits:\n  maxTextChar: 10\n");
        assertEquals(2, nested.line());
        assertTrue(nested.getMessage().contains("did you mean limits.maxTextChars?"), nested.getMessage());
    }

    @Test
    void aValueOfTheWrongKindOrRangeSaysWhatToWrite() throws IOException {
        ConfigException word = refused("limits:\n  idleTimeoutSeconds: soon\n");
        assertEquals(2, word.line());
        assertEquals("limits.idleTimeoutSeconds", word.key());
        assertTrue(word.getMessage().contains("is not a whole number (write a number from 1 to 3600)"), word.getMessage());

        ConfigException range = refused("server:\n  port: 70000\n");
        assertTrue(range.getMessage().contains("server.port: 70000 is out of range"), range.getMessage());

        ConfigException bool = refused("server:\n  trustProxy: maybe\n");
        assertTrue(bool.getMessage().contains("is not true or false"), bool.getMessage());

        ConfigException section = refused("limits: 5\n");
        assertTrue(section.getMessage().contains("must be a section"), section.getMessage());
    }

    @Test
    void theAdminTokenMustBeLongAndTheMetricsAccessOneOfThree() throws IOException, ConfigException {
        ConfigException shortToken = refused("admin:\n  token: secret\n");
        assertEquals(2, shortToken.line());
        assertEquals("admin.token", shortToken.key());
        assertTrue(shortToken.getMessage().contains("too short: at least 24 characters (make one with: openssl rand"),
                shortToken.getMessage());
        ConfigException spaces = refused("admin:\n  token: \"a token with spaces in it, long enough\"\n");
        assertTrue(spaces.getMessage().contains("without spaces"), spaces.getMessage());
        ConfigException typo = refused("admin:\n  tokn: x\n");
        assertTrue(typo.getMessage().contains("unknown key (did you mean admin.token?)"), typo.getMessage());
        ConfigException access = refused("metrics:\n  access: public\n");
        assertTrue(access.getMessage().contains("metrics.access: 'public' is not open, token or off"),
                access.getMessage());
        ConfigException noToken = refused("metrics:\n  access: token\n");
        assertTrue(noToken.getMessage().contains("admin.token is empty"), noToken.getMessage());

        GatewayConfig c = GatewayConfig.load(write("admin:\n  token: \"Zx8-k2Lq9PvR4tYw7NbC3mHs\"\nmetrics:\n"
                + "  access: token\n"));
        assertTrue(c.admin().enabled());
        assertEquals(GatewayConfig.MetricsAccess.TOKEN, c.metrics().access());
        assertFalse(c.toString().contains("Zx8-k2Lq9PvR4tYw7NbC3mHs"), "the token is never printed");
    }

    @Test
    void businessHoursMistakesAreCaught() throws IOException {
        ConfigException zone = refused("businessHours:\n  timeZone: Mars/Olympus\n");
        assertEquals(2, zone.line());
        assertTrue(zone.getMessage().contains("is not a time zone"), zone.getMessage());
        ConfigException range = refused("businessHours:\n  monday: \"18:00-09:00\"\n");
        assertTrue(range.getMessage().contains("businessHours.monday: '18:00-09:00' is not an opening range"),
                range.getMessage());
        ConfigException overlap = refused("businessHours:\n  friday: \"09:00-12:00, 11:00-13:00\"\n");
        assertTrue(overlap.getMessage().contains("overlap"), overlap.getMessage());
        ConfigException date = refused("businessHours:\n  closedDates: [\"Feb 17\"]\n");
        assertTrue(date.getMessage().contains("YYYY-MM-DD"), date.getMessage());
    }

    @Test
    void tlsNeedsBothFilesAndTheyMustExist() throws IOException {
        ConfigException half = refused("server:\n  tls:\n    certificate: cert.pem\n");
        assertTrue(half.getMessage().contains("server.tls.privateKey: is empty while server.tls.certificate is set"),
                half.getMessage());
        ConfigException missing = refused("server:\n  tls:\n    certificate: cert.pem\n    privateKey: key.pem\n");
        assertEquals(3, missing.line());
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    }

    @Test
    void originsMustBeOrigins() throws IOException {
        ConfigException e = refused("allowedOrigins: [\"https://shop.example.com/\"]\n");
        assertTrue(e.getMessage().contains("allowedOrigins[0]"), e.getMessage());
        assertTrue(e.getMessage().contains("no path or trailing slash"), e.getMessage());
    }

    @Test
    void brokenYamlAndMissingFilesAreNamed() throws IOException {
        ConfigException yaml = refused("server:\n  port: [1, 2\n");
        assertTrue(yaml.getMessage().contains("is not valid YAML"), yaml.getMessage());
        assertTrue(yaml.line() > 0);
        Path nowhere = dir.resolve("nope.yaml");
        ConfigException none = assertThrows(ConfigException.class, () -> GatewayConfig.load(nowhere));
        assertTrue(none.getMessage().contains("no such file"), none.getMessage());
    }

    @Test
    void aNewLanguageMustGiveEveryText() throws IOException {
        ConfigException e = refused("texts:\n  ja:\n    greeting: \"いらっしゃいませ\"\n");
        assertTrue(e.getMessage().contains("texts.ja."), e.getMessage());
        assertTrue(e.getMessage().contains("is missing"), e.getMessage());
        ConfigException typo = refused("texts:\n  zh:\n    greting: \"你好\"\n");
        assertEquals(3, typo.line());
        assertTrue(typo.getMessage().contains("unknown key"), typo.getMessage());
    }

    private static final String HASH = dev.xiaoer.gateway.agent.SecretHash.of("xiaomei-2026".toCharArray(),
            dev.xiaoer.gateway.agent.SecretHash.MIN_ITERATIONS).toString();

    @Test
    void theDefaultsShipADemoAgentAndADemoSupervisorSoTheConsoleWorksOutOfTheBox() {
        GatewayConfig c = GatewayConfig.defaults();
        assertEquals(2, c.agents().size());
        Agent demo = c.agents().get(0);
        assertEquals("demo", demo.id());
        assertTrue(demo.allQueues(), "the demo agent serves every queue, whatever the rules file calls them");
        assertTrue(demo.secret().matches("demo".toCharArray()));
        assertFalse(demo.supervisor());
        Agent boss = c.agents().get(1);
        assertEquals("boss", boss.id());
        assertTrue(boss.supervisor(), "the supervisor view needs a supervisor to log in with");
        assertTrue(boss.secret().matches("demo".toCharArray()));
        assertEquals(List.of(demo, boss), new dev.xiaoer.gateway.agent.Credentials(c.agents()).withDemoSecret(),
                "the gateway warns about both at start");
        assertFalse(c.admin().enabled(), "the admin API is off until the owner sets a token");
        assertEquals(GatewayConfig.MetricsAccess.OPEN, c.metrics().access());
        assertEquals(List.of("complaints", "after-sales", "human"),
                c.queues().known().stream().map(GatewayConfig.QueueInfo::id).toList(), "read from the rules");
        assertEquals(60, c.queues().graceSeconds());
        assertEquals(15, c.sla().waitMinutes());
        assertEquals(8, c.console().tokenHours());
        assertFalse(c.quickReplies().isEmpty());
    }

    @Test
    void agentsOfTheUsersFileReplaceTheDemoAgent() throws IOException, ConfigException {
        GatewayConfig c = GatewayConfig.load(write("""
                agents:
                  - id: xiaomei
                    name: 小美
                    queues: [after-sales, human]
                    maxChats: 3
                    secret: "%s"
                  - id: boss
                    name: 店长
                    queues: [complaints]
                    role: supervisor
                    secret: "%s"
                quickReplies: ["您好！"]
                sla:
                  waitMinutes: 5
                """.formatted(HASH, HASH)));
        assertEquals(List.of("xiaomei", "boss"), c.agents().stream().map(Agent::id).toList());
        Agent mei = c.agents().get(0);
        assertEquals(3, mei.maxChats());
        assertEquals(Agent.Role.AGENT, mei.role());
        assertTrue(mei.serves("human") && !mei.serves("complaints"));
        Agent boss = c.agents().get(1);
        assertEquals(5, boss.maxChats(), "the default cap");
        assertTrue(boss.supervisor() && boss.sees("human") && !boss.serves("human"));
        assertTrue(mei.secret().matches("xiaomei-2026".toCharArray()));
        assertEquals(List.of("您好！"), c.quickReplies());
        assertEquals(5, c.sla().waitMinutes());
    }

    private ConfigException agentRefused(String agentLines) throws IOException {
        return refused("agents:\n  - id: ok\n    name: 好\n    queues: [human]\n    secret: \"" + HASH + "\"\n"
                + agentLines);
    }

    @Test
    void everyAgentMistakeIsNamedWithItsLineAndTheFix() throws IOException {
        ConfigException queue = agentRefused("  - id: mei\n    name: 小美\n    queues: [refunds]\n    secret: \""
                + HASH + "\"\n");
        assertEquals(8, queue.line());
        assertEquals("agents[1].queues", queue.key());
        assertTrue(queue.getMessage().contains("unknown queue 'refunds' (the rules have: complaints, after-sales,"
                + " human"), queue.getMessage());

        ConfigException twice = agentRefused("  - id: ok\n    name: 又一个\n    queues: [human]\n    secret: \""
                + HASH + "\"\n");
        assertEquals(6, twice.line());
        assertTrue(twice.getMessage().contains("duplicate id 'ok' (also at line 2)"), twice.getMessage());

        ConfigException plain = agentRefused("  - id: mei\n    name: 小美\n    queues: [human]\n    secret: hunter2\n");
        assertEquals(9, plain.line());
        assertTrue(plain.getMessage().contains("is not a secret hash"), plain.getMessage());
        assertTrue(plain.getMessage().contains("hash-secret"), plain.getMessage());
        assertFalse(plain.getMessage().contains("hunter2"), "a secret pasted by mistake is not echoed");

        ConfigException weak = agentRefused("  - id: mei\n    name: 小美\n    queues: [human]\n    secret: \""
                + HASH.replace("$10000$", "$1000$") + "\"\n");
        assertTrue(weak.getMessage().contains("has 1000 iterations"), weak.getMessage());

        ConfigException cap = agentRefused("  - id: mei\n    name: 小美\n    queues: [human]\n    maxChats: 0\n"
                + "    secret: \"" + HASH + "\"\n");
        assertEquals("agents[1].maxChats", cap.key());
        assertTrue(cap.getMessage().contains("is not a number from 1 to 100"), cap.getMessage());

        ConfigException role = agentRefused("  - id: mei\n    name: 小美\n    queues: [human]\n    role: boss\n"
                + "    secret: \"" + HASH + "\"\n");
        assertTrue(role.getMessage().contains("write agent or supervisor"), role.getMessage());

        ConfigException typo = agentRefused("  - id: mei\n    name: 小美\n    queue: [human]\n");
        assertEquals("agents[1].queue", typo.key());
        assertTrue(typo.getMessage().contains("unknown key (an agent has: id, name, queues"), typo.getMessage());

        ConfigException noName = agentRefused("  - id: mei\n    queues: [human]\n    secret: \"" + HASH + "\"\n");
        assertTrue(noName.getMessage().contains("agents[1].name: is missing or empty"), noName.getMessage());

        ConfigException badId = agentRefused("  - id: \"小 美\"\n    name: 小美\n    queues: [human]\n    secret: \""
                + HASH + "\"\n");
        assertTrue(badId.getMessage().contains("is not a usable id"), badId.getMessage());

        ConfigException notAList = refused("agents:\n  id: mei\n");
        assertTrue(notAList.getMessage().contains("must be a list of agents"), notAList.getMessage());
    }

    @Test
    void quickRepliesMustBeShortEnoughToSend() throws IOException {
        ConfigException empty = refused("quickReplies: [\"好的\", \" \"]\n");
        assertEquals("quickReplies[1]", empty.key());
        ConfigException longOne = refused("limits:\n  maxTextChars: 5\nquickReplies: [\"亲，请稍等，我帮您查询一下。\"]\n");
        assertTrue(longOne.getMessage().contains("longer than limits.maxTextChars"), longOne.getMessage());
    }

    @Test
    void anAgentsQueueIsCheckedAgainstTheShopsOwnRulesFile() throws IOException, ConfigException {
        Files.writeString(dir.resolve("rules.yaml"), """
                queues:
                  - id: refunds
                    name: 退款
                    priority: 50
                    triggers: [退款]
                """);
        GatewayConfig c = GatewayConfig.load(write("""
                intents:
                  rules: rules.yaml
                agents:
                  - id: mei
                    name: 小美
                    queues: [refunds]
                    secret: "%s"
                """.formatted(HASH)));
        assertEquals(List.of("refunds"), c.queues().known().stream().map(GatewayConfig.QueueInfo::id).toList());
        assertTrue(c.agents().get(0).serves("refunds"));
        // The embedded demo agent ("*") would fit any rules file too: a custom rules file never breaks the defaults.
        Files.writeString(dir.resolve("only-rules.yaml"), "intents:\n  rules: rules.yaml\n");
        assertEquals("demo", GatewayConfig.load(dir.resolve("only-rules.yaml")).agents().get(0).id());
    }
}
