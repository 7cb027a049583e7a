package dev.xiaoer.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaoer.gateway.agent.TestAgents;
import dev.xiaoer.gateway.config.GatewayConfig;
import dev.xiaoer.gateway.event.EventBody;
import dev.xiaoer.gateway.store.SqliteConversationStore;
import dev.xiaoer.gateway.store.StoredConversation;
import dev.xiaoer.intents.IntentEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
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
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent console in a real headless Chromium, against a gateway in this JVM with the real bot (the shipped FAQ
 * and rules) and the SQLite store in a temporary folder. The buyer is the shop's widget in a second browser for the
 * whole story, and a WebSocket client speaking the widget's protocol for the rest. Screenshots go to
 * {@code target/screenshots/console-*.png}.
 */
@Tag("browser")
class ConsoleBrowserTest {

    private static final Path SHOTS = Path.of("target", "screenshots");
    private static IntentEngine engine;

    @TempDir
    Path data;
    @TempDir
    Path profile;

    private Gateway gateway;
    private SqliteConversationStore store;
    private ChromeDriver browser;
    private WebDriverWait wait;
    private TestBuyer buyer;

    @BeforeAll
    static void loadTheBot() throws Exception {
        engine = IntentEngine.builder().build();
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void done() {
        engine = null;
    }

    @BeforeEach
    void start() throws Exception {
        GatewayConfig config = GatewayConfig.defaults().withPort(0).withDataDir(data)
                .withBusinessHours(new GatewayConfig.Hours(ZoneId.of("Asia/Shanghai"), Arrays.stream(DayOfWeek.values())
                        .collect(Collectors.toMap(d -> d, d -> List.of(new GatewayConfig.Opening(0, 1440)))),
                        Set.of()))
                .withAgents(List.of(TestAgents.agent("mei", "小美", 5, "*")));
        store = SqliteConversationStore.open(data);
        gateway = Gateway.builder(config).store(store).intents(engine).start();

        browser = HeadlessChromium.start(profile);
        wait = new WebDriverWait(browser, Duration.ofSeconds(15));
    }

    @AfterEach
    void stop() {
        if (buyer != null) {
            buyer.close();
        }
        if (browser != null) {
            browser.quit();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    private void shot(String name) throws Exception {
        File f = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), SHOTS.resolve("console-" + name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private WebElement waitFor(By by) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    private void until(Function<org.openqa.selenium.WebDriver, Boolean> condition) {
        wait.until(condition);
    }

    /** Opens /agent and logs in as mei, away, so that chats wait for her to claim them. */
    private void logInAway() {
        browser.get(gateway.url() + "/agent");
        waitFor(By.id("login-id")).sendKeys("mei");
        browser.findElement(By.id("login-secret")).sendKeys(TestAgents.SECRET);
        browser.findElement(By.id("login-away")).click();
        browser.findElement(By.id("login-button")).click();
        waitFor(By.id("app"));
        until(d -> d.findElement(By.id("conn")).getText().contains("已连接"));
        assertTrue(browser.findElement(By.id("me")).getAttribute("textContent").contains("小美"));
    }

    /** A buyer who talks to the bot, then asks for a refund; returns their welcome. */
    private JsonNode buyerAsksForARefund(String question) {
        buyer = TestBuyer.connect("ws://127.0.0.1:" + gateway.port() + "/ws/chat");
        JsonNode welcome = buyer.hello();
        buyer.say("m1", "什么时候发货");
        buyer.next("ack");
        buyer.next("reply");
        buyer.send(TestBuyer.JSON.createObjectNode().put("type", "message").put("id", "m2").put("text", question)
                .toString());
        buyer.next("ack");
        JsonNode queued = buyer.next("queued");
        assertEquals("after-sales", queued.get("queue").asText());
        return welcome;
    }

    /** The buyer's next frame of {@code type}, stepping over the agent's typing indicator. */
    private JsonNode buyerGets(String type) {
        while (true) {
            JsonNode n = buyer.next();
            if (!n.path("type").asText().equals("typing")) {
                assertEquals(type, n.path("type").asText(), n::toString);
                return n;
            }
        }
    }

    private WebElement waitingEntry(String conversation) {
        return waitFor(By.cssSelector("#lines li[data-conversation='" + conversation + "']"));
    }

    private WebElement pane(String conversation) {
        return waitFor(By.cssSelector(".pane[data-conversation='" + conversation + "']"));
    }

    @Test
    void aBuyerInTheShopsWidgetAndAnAgentInTheConsoleGoThroughTheWholeHandoff(@TempDir Path buyerProfile)
            throws Exception {
        ChromeDriver buyerBrowser = HeadlessChromium.start(buyerProfile);
        try {
            WidgetPage shop = new WidgetPage(buyerBrowser, gateway.url());
            shop.open("/").openChat();
            logInAway();
            shop.say("什么时候发货");
            shop.waitForTranscript("the bot's answer", l -> l.size() >= 2
                    && l.get(l.size() - 2).equals("me: 什么时候发货") && l.get(l.size() - 1).startsWith("bot: "));
            shop.say("我要退款");
            shop.waitUntil("the place in line", () -> shop.visible(".queue"));
            String session = (String) shop.stored().get("session");

            WebElement entry = waitingEntry(session);
            entry.findElement(By.cssSelector("button.claim")).click();
            shop.waitForLast("note: 小美 已接入");
            WebElement pane = pane(session);
            until(d -> pane.findElement(By.cssSelector(".history")).getText().contains("我要退款"));
            assertTrue(pane.findElement(By.cssSelector(".history")).getText().contains("小二（机器人）"),
                    "the bot's part of the chat is in front of the agent");

            WebElement box = pane.findElement(By.cssSelector(".reply textarea"));
            box.sendKeys("亲，您好，我是小美，马上为您处理退款。");
            shop.waitUntil("the agent is typing", () -> shop.visible(".typing"));
            box.sendKeys(Keys.ENTER);
            shop.waitForLast("agent: 亲，您好，我是小美，马上为您处理退款。");
            shop.say("订单号 8848，谢谢");
            until(d -> pane.findElement(By.cssSelector(".history")).getText().contains("订单号 8848，谢谢"));
            List<String> seen = shop.transcript();
            assertEquals("me: 订单号 8848，谢谢", seen.get(seen.size() - 1), "the bot stays silent while 小美 answers");
            shop.screenshot("console-story-buyer");
            shot("story-agent");

            pane.findElement(By.cssSelector("button.close-chat")).click();
            wait.until(ExpectedConditions.alertIsPresent()).accept();
            shop.waitUntil("the rating card", () -> shop.visible(".rate"));
            shop.findAll(".stars label").get(4).click();
            shop.find(".rate textarea").sendKeys("很快就办好了");
            shop.find(".rate button").click();
            shop.waitForLast("note: 感谢您的评价！★★★★★");
            until(d -> pane.findElement(By.cssSelector(".history")).getText().contains("买家评价：★★★★★"));
            shop.screenshot("console-story-rated");

            StoredConversation stored = store.transcript(session).orElseThrow();
            assertEquals(new EventBody.Rated(5, "很快就办好了"), stored.events().get(stored.events().size() - 1).body());
        } finally {
            buyerBrowser.quit();
        }
    }

    @Test
    void anAgentClaimsARefundReadsTheBotTranscriptRepliesClosesAndTheBuyerRates() throws Exception {
        logInAway();
        shot("1-logged-in");
        String session = buyerAsksForARefund("我要退款").get("session").asText();

        WebElement entry = waitingEntry(session);
        assertTrue(entry.getText().contains("我要退款"), entry.getText());
        assertTrue(entry.getText().contains("退款"), "the trigger word is shown");
        until(d -> d.getTitle().contains("排队1"));
        shot("2-waiting");

        entry.findElement(By.cssSelector("button.claim")).click();
        assertTrue(buyerGets("agent_joined").get("agentName").asText().equals("小美"));
        WebElement pane = pane(session);
        until(d -> pane.findElement(By.cssSelector(".history")).getText().contains("我要退款"));
        String history = pane.findElement(By.cssSelector(".history")).getText();
        assertTrue(history.contains("什么时候发货"), history);
        assertTrue(history.contains("小二（机器人）"), "the bot's answer is there: " + history);
        assertTrue(history.contains("转人工 → 售后退款"), history);
        assertTrue(pane.findElement(By.cssSelector(".route")).getText().contains("触发词：退款"));
        assertTrue(browser.findElements(By.cssSelector("#lines li[data-conversation='" + session + "']")).isEmpty(),
                "the claimed chat left the line");

        WebElement box = pane.findElement(By.cssSelector(".reply textarea"));
        box.sendKeys("亲，您好，我来帮您处理退款。");
        box.sendKeys(Keys.ENTER);
        JsonNode reply = buyerGets("reply");
        assertEquals("agent", reply.get("from").asText());
        assertEquals("亲，您好，我来帮您处理退款。", reply.get("text").asText());
        until(d -> !pane.findElements(By.cssSelector(".msg.agent:not(.pending)")).isEmpty());

        buyer.say("m3", "好的，订单号 8848");
        buyerGets("ack");
        until(d -> pane.findElement(By.cssSelector(".history")).getText().contains("订单号 8848"));
        pane.findElements(By.cssSelector(".quick-reply")).get(1).click();
        assertTrue(box.getAttribute("value").contains("请稍等"), "a quick reply goes into the box to edit");
        pane.findElement(By.cssSelector(".reply button.send")).click();
        assertTrue(buyerGets("reply").get("text").asText().contains("请稍等"));
        shot("3-chatting");

        pane.findElement(By.cssSelector("button.close-chat")).click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        assertEquals("agent", buyerGets("closed").get("by").asText());
        buyer.send("{\"type\":\"rate\",\"score\":5,\"comment\":\"服务很好\"}");
        assertEquals(5, buyerGets("rated").get("score").asInt());
        until(d -> pane.findElement(By.cssSelector(".history")).getText().contains("买家评价：★★★★★"));
        assertTrue(pane.findElement(By.cssSelector(".ended-bar")).isDisplayed());
        shot("4-closed-and-rated");

        StoredConversation stored = store.transcript(session).orElseThrow();
        assertEquals(new EventBody.Rated(5, "服务很好"), stored.events().get(stored.events().size() - 1).body(),
                "the rating is stored with the conversation");
    }

    @Test
    void whatABuyerTypesIsShownAsTextAndNeverRunsInTheConsole() throws Exception {
        logInAway();
        String attack = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\">我要退款";
        String session = buyerAsksForARefund(attack).get("session").asText();
        WebElement entry = waitingEntry(session);
        assertTrue(entry.getText().contains("<script>"), "the line shows the text as typed: " + entry.getText());
        entry.findElement(By.cssSelector("button.claim")).click();
        WebElement pane = pane(session);
        until(d -> pane.findElement(By.cssSelector(".history")).getText().contains("<img src=x onerror="));
        assertTrue(pane.findElements(By.cssSelector(".history img, .history script")).isEmpty(),
                "no element was made from the buyer's words");
        assertNull(((JavascriptExecutor) browser).executeScript("return window.__xss;"));
        shot("5-script-as-text");
    }

    @Test
    void onAPhoneTheLinesAndTheChatStackAndTheReplyBoxStaysInReach() throws Exception {
        browser.manage().window().setSize(new Dimension(390, 844));
        logInAway();
        String session = buyerAsksForARefund("我要退款").get("session").asText();
        waitingEntry(session).findElement(By.cssSelector("button.claim")).click();
        buyerGets("agent_joined");
        WebElement pane = pane(session);
        WebElement box = pane.findElement(By.cssSelector(".reply textarea"));
        until(d -> box.isDisplayed());
        long width = (Long) ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollWidth;");
        assertTrue(width <= 390, "nothing sticks out sideways: " + width);
        assertTrue(box.getRect().getY() + box.getRect().getHeight() <= 844, "the reply box is on screen");
        box.sendKeys("您好");
        box.sendKeys(Keys.ENTER);
        assertEquals("您好", buyerGets("reply").get("text").asText());
        shot("6-phone");
    }
}
