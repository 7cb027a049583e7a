package dev.xiaoer.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaoer.gateway.chat.MutableClock;
import dev.xiaoer.gateway.config.GatewayConfig;
import dev.xiaoer.gateway.store.SqliteConversationStore;
import dev.xiaoer.intents.IntentEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The supervisor view in a real headless Chromium: the demo supervisor of the default config logs in to /agent,
 * sees the day, the waiting line past its SLA, a flagged message, and the question buyers asked that the bot could
 * not answer; turns that question into a FAQ entry; and a buyer asking it again gets the new answer at once. The
 * gateway runs as a new user runs it: default config, the real bot with the embedded FAQ, SQLite in a temporary data
 * folder. Screenshots go to {@code target/screenshots/supervisor-*.png}.
 */
@Tag("browser")
class SupervisorBrowserTest {

    private static final Path SHOTS = Path.of("target", "screenshots");
    private static final String QUESTION = "宠物能用吗";
    private static final String ANSWER = "亲，宠物可以放心使用，材质无毒无味。";

    @TempDir
    Path data;
    @TempDir
    Path profile;

    private MutableClock clock;
    private Gateway gateway;
    private ChromeDriver browser;
    private WebDriverWait wait;

    @BeforeAll
    static void shots() throws Exception {
        Files.createDirectories(SHOTS);
    }

    @BeforeEach
    void start() throws Exception {
        clock = MutableClock.mondayShanghai(10, 0);
        GatewayConfig config = GatewayConfig.defaults().withPort(0).withDataDir(data);
        // Its own bot: this test adds a FAQ entry to it.
        gateway = Gateway.builder(config).store(SqliteConversationStore.open(data))
                .intents(IntentEngine.builder().build()).clock(clock).start();
        browser = HeadlessChromium.start(profile);
        wait = new WebDriverWait(browser, Duration.ofSeconds(15));
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private void shot(String name) throws Exception {
        File f = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), SHOTS.resolve("supervisor-" + name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private WebElement waitFor(By by) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** A buyer says one thing over the widget's protocol; returns what came back first after the ack. */
    private JsonNode buyerSays(String text) {
        try (TestBuyer b = TestBuyer.connect("ws://127.0.0.1:" + gateway.port() + "/ws/chat")) {
            b.hello();
            b.send(TestBuyer.JSON.createObjectNode().put("type", "message").put("id", "m1").put("text", text)
                    .toString());
            b.next("ack");
            return b.next();
        }
    }

    @Test
    void aSupervisorTurnsAQuestionTheBotCouldNotAnswerIntoAFaqEntryThatTheBotThenAnswers() throws Exception {
        // The demo supervisor logs in, away, so that chats wait in line for the view to show.
        browser.get(gateway.url() + "/agent");
        waitFor(By.id("login-id")).sendKeys("boss");
        browser.findElement(By.id("login-secret")).sendKeys("demo");
        browser.findElement(By.id("login-away")).click();
        browser.findElement(By.id("login-button")).click();
        waitFor(By.id("app"));
        wait.until(d -> d.findElement(By.id("conn")).getText().contains("已连接"));
        WebElement toggle = waitFor(By.id("view-toggle"));

        // The morning: two buyers ask what the FAQ does not know, one insults the shop, one wants a refund and
        // waits past the 15-minute SLA.
        assertEquals("unknown", buyerSays(QUESTION).path("band").asText());
        assertEquals("unknown", buyerSays("宠物能用吗？").path("band").asText());
        assertEquals("unknown", buyerSays("你们是骗子").path("band").asText());
        assertEquals("queued", buyerSays("我要退款").path("type").asText());
        clock.advance(Duration.ofMinutes(16));
        gateway.waitingLines().sweep().join();

        toggle.click();
        waitFor(By.id("supervisor"));
        assertFalse(browser.findElement(By.id("desk")).isDisplayed(), "the view takes the place of the desk");
        WebElement question = waitFor(By.cssSelector("#sv-unanswered li[data-normalized='" + QUESTION + "']"));
        assertTrue(question.getText().contains("问了 2 次 · 2 位买家 · 最近 10:00"), question.getText());
        assertTrue(question.getText().contains("其他问法：宠物能用吗"), "both wordings are shown: " + question.getText());
        WebElement late = waitFor(By.cssSelector("#sv-lines tr.late[data-queue='after-sales']"));
        assertTrue(late.getText().contains("1 超时"), late.getText());
        wait.until(d -> d.findElement(By.id("sv-flags")).getText().contains("你们是骗子"));
        String kpis = browser.findElement(By.id("sv-kpis")).getText();
        assertTrue(kpis.contains("咨询\n4"), kpis);
        assertTrue(kpis.contains("机器人独立解决\n75.0%"), kpis);
        assertEquals(24, browser.findElements(By.cssSelector("#sv-hours rect")).size(), "one bar per hour");
        assertTrue(browser.findElement(By.cssSelector("#sv-agents tr[data-agent='boss']")).getText().contains("离开"));
        shot("overview");

        question.findElement(By.cssSelector("button.sv-add-faq")).click();
        WebElement dialog = waitFor(By.id("sv-faq-dialog"));
        String prefilled = browser.findElement(By.id("sv-faq-question")).getAttribute("value");
        String similar = browser.findElement(By.id("sv-faq-similar")).getAttribute("value");
        assertEquals(List.of("宠物能用吗", "宠物能用吗？"), java.util.stream.Stream.of(prefilled, similar).sorted().toList(),
                "the latest wording is the question, the other becomes a similar one");
        wait.until(d -> !d.findElement(By.id("sv-faq-id")).getAttribute("value").isEmpty());
        browser.findElement(By.id("sv-faq-answer")).sendKeys(ANSWER);
        shot("faq-form");
        browser.findElement(By.id("sv-faq-save")).click();
        wait.until(ExpectedConditions.invisibilityOf(dialog));
        wait.until(d -> d.findElement(By.id("toast")).getText().contains("已加入 FAQ"));
        wait.until(d -> d.findElement(By.cssSelector("#sv-unanswered li[data-normalized='" + QUESTION + "']"))
                .getText().contains("已可回答"));
        shot("added");

        JsonNode reply = buyerSays(QUESTION);
        assertEquals("answer", reply.path("band").asText(), reply::toString);
        assertEquals(ANSWER, reply.path("text").asText());
        List<String> faq = Files.readAllLines(data.resolve("faq.jsonl"));
        assertTrue(faq.get(faq.size() - 1).contains(ANSWER), "written to the data folder, used at the next start");

        browser.manage().window().setSize(new Dimension(390, 844));
        waitFor(By.id("sv-kpis"));
        shot("phone");
    }

    @Test
    void anAgentWhoIsNotASupervisorHasNoSupervisorView() {
        browser.get(gateway.url() + "/agent");
        waitFor(By.id("login-id")).sendKeys("demo");
        browser.findElement(By.id("login-secret")).sendKeys("demo");
        browser.findElement(By.id("login-away")).click();
        browser.findElement(By.id("login-button")).click();
        waitFor(By.id("app"));
        wait.until(d -> d.findElement(By.id("conn")).getText().contains("已连接"));
        assertFalse(browser.findElement(By.id("view-toggle")).isDisplayed());
        assertFalse(browser.findElement(By.id("supervisor")).isDisplayed());
    }
}
