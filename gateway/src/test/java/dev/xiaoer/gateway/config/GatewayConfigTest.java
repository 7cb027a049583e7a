package dev.xiaoer.gateway.config;

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
}
