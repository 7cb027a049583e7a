package dev.xiaoer.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The widget against a scripted gateway (the test page replaces {@code WebSocket} with a stand-in the test drives),
 * for what a test gateway cannot play yet: people joining, typing and answering, the close and the rating, and
 * errors the buyer must not lose a message to. Every frame is one the protocol documents.
 */
@Tag("browser")
class WidgetAgentSideBrowserTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path browserProfile;
    @TempDir
    static Path shopData;

    private static ChromeDriver driver;
    private static ShopGateway shop;
    private WidgetPage page;

    @BeforeAll
    static void startBrowser() throws Exception {
        shop = ShopGateway.start(shopData); // only serves the pages: the harness never opens a real socket
        driver = HeadlessChromium.start(browserProfile);
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (shop != null) {
            shop.close();
        }
    }

    @BeforeEach
    void open() {
        page = new WidgetPage(driver, shop.url(""));
        page.open("/widget-harness.html");
    }

    @AfterEach
    void forget() {
        page.js("localStorage.clear(); sessionStorage.clear();");
        driver.get(shop.url("/health"));
    }

    // ---- the scripted gateway ----

    private void push(String json) {
        page.js("window.harness.push(JSON.parse(arguments[0]));", json);
    }

    private List<JsonNode> sent(String type) throws Exception {
        Object frames = page.js("return JSON.stringify(window.harness.sentOfType(arguments[0]));", type);
        JsonNode array = JSON.readTree(frames.toString());
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).toList();
    }

    private JsonNode waitForSent(String type, int count) throws Exception {
        page.waitUntil(count + " '" + type + "' frame(s) sent", () -> {
            try {
                return sent(type).size() >= count;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return sent(type).get(count - 1);
    }

    private long sockets() {
        return (Long) page.js("return window.harness.sockets();");
    }

    private void welcome(String session) throws Exception {
        waitForSent("hello", (int) sockets());
        push("{\"type\":\"welcome\",\"session\":\"" + session + "\",\"token\":\"t-" + session + "\",\"resumed\":false,"
                + "\"lastSeq\":0,\"state\":\"bot\",\"greeting\":\"亲，您好！\",\"hotQuestions\":"
                + "[{\"id\":\"ship-time\",\"question\":\"什么时候发货？\"}],\"hours\":{\"open\":true}}");
        page.waitUntil("online", () -> page.status().contains("在线"));
    }

    // ---- stories ----

    @Test
    void theBuyerSeesTheLineMovePeopleJoinTypeAndAnswerThenRatesAndStartsAgain() throws Exception {
        welcome("S1");
        page.say("我要退款");
        JsonNode refund = waitForSent("message", 1);
        assertEquals("我要退款", refund.get("text").asText());
        assertEquals("发送中…", page.text(".row.me .meta"), "shown at once, marked as not yet stored");
        push("{\"type\":\"ack\",\"id\":\"" + refund.get("id").asText() + "\",\"seq\":1}");
        push("{\"type\":\"queued\",\"seq\":2,\"queueName\":\"售后\",\"leaveMessage\":false,\"queue\":\"after-sales\","
                + "\"position\":3,\"etaSeconds\":540,\"at\":\"2026-12-07T02:00:00Z\"}");
        page.waitForLast("note: 已为您转接售后，请稍候");
        assertEquals("排队中 · 售后您排在第 3 位，预计等待约 9 分钟", page.text(".queue > div"));
        push("{\"type\":\"position\",\"queue\":\"after-sales\",\"position\":1,\"etaSeconds\":40}");
        page.waitUntil("the line moved", () -> page.text(".queue > div").equals("排队中 · 售后您排在第 1 位，预计等待不到 1 分钟"));
        push("{\"type\":\"reply\",\"seq\":3,\"from\":\"system\",\"code\":\"still_waiting\","
                + "\"text\":\"客服马上就来，请再稍等一下。\",\"at\":\"2026-12-07T02:03:00Z\"}");
        page.waitForLast("note: 客服马上就来，请再稍等一下。");

        push("{\"type\":\"agent_joined\",\"seq\":4,\"agentName\":\"小美\",\"at\":\"2026-12-07T02:04:00Z\"}");
        page.waitForLast("note: 小美 已接入");
        assertFalse(page.visible(".queue"), "no more waiting");
        assertTrue(page.status().contains("人工客服 小美 为您服务"), page.status());
        push("{\"type\":\"typing\",\"from\":\"agent\",\"agentName\":\"小美\",\"active\":true}");
        page.waitUntil("the typing line", () -> page.visible(".typing"));
        assertEquals("对方正在输入…", page.text(".typing"));
        page.screenshot("agent-typing");

        push("{\"type\":\"reply\",\"seq\":5,\"from\":\"agent\",\"agentName\":\"小美\",\"text\":"
                + "\"您好，退款说明在 https://shop.example.com/refund?id=1 。javascript:alert(1) 不是链接\","
                + "\"at\":\"2026-12-07T02:05:00Z\"}");
        page.waitForLast("agent: 您好，退款说明在 https://shop.example.com/refund?id=1 。javascript:alert(1) 不是链接");
        assertFalse(page.visible(".typing"), "the answer ends the typing line");
        assertEquals("小美人工客服", page.text(".row.agent .who"), "a person, with a name, not the bot");
        List<WebElement> links = page.findAll(".row.agent .bubble a");
        assertEquals(1, links.size(), "only the http(s) address is a link");
        assertEquals("https://shop.example.com/refund?id=1", links.get(0).getAttribute("href"));
        assertEquals("noopener noreferrer", links.get(0).getAttribute("rel"));
        assertEquals("_blank", links.get(0).getAttribute("target"));

        push("{\"type\":\"message\",\"seq\":6,\"id\":\"from-the-phone\",\"text\":\"我在手机上也看着\","
                + "\"at\":\"2026-12-07T02:06:00Z\"}");
        page.waitForLast("me: 我在手机上也看着");
        page.screenshot("agent");

        push("{\"type\":\"closed\",\"seq\":7,\"by\":\"agent\",\"at\":\"2026-12-07T02:10:00Z\"}");
        page.waitForLast("note: 本次会话已结束");
        page.waitUntil("the rating card", () -> page.visible(".rate"));
        assertTrue(page.find(".rate button").getAttribute("disabled") != null, "no score yet, nothing to send");
        page.findAll(".stars label").get(3).click();
        page.find(".rate textarea").sendKeys("很耐心");
        page.screenshot("rating");
        page.find(".rate button").click();
        JsonNode rate = waitForSent("rate", 1);
        assertEquals(4, rate.get("score").asInt());
        assertEquals("很耐心", rate.get("comment").asText());
        push("{\"type\":\"rated\",\"seq\":8,\"score\":4,\"at\":\"2026-12-07T02:10:30Z\"}");
        page.waitForLast("note: 感谢您的评价！★★★★☆");
        assertFalse(page.visible(".rate"));

        List<String> before = page.transcript();
        page.say("还有一个问题");
        page.waitUntil("a second connection", () -> sockets() == 2);
        JsonNode hello = waitForSent("hello", 2);
        assertNull(hello.get("session"), "a closed conversation is over: the new message starts a new one");
        welcome("S2");
        JsonNode next = waitForSent("message", 2);
        assertEquals("还有一个问题", next.get("text").asText());
        List<String> after = page.transcript();
        assertEquals(before, after.subList(0, before.size()), "the old conversation stays on screen");
        assertEquals(List.of("divider: 新的会话", "bot: 亲，您好！", "me: 还有一个问题"),
                after.subList(before.size(), after.size()));
    }

    @Test
    void aMessageTypedOfflineAfterTheAgentClosedStartsANewConversationAfterTheOldOnesLastWords() throws Exception {
        welcome("S1");
        push("{\"type\":\"agent_joined\",\"seq\":1,\"agentName\":\"小美\",\"at\":\"2026-12-07T02:04:00Z\"}");
        page.waitForLast("note: 小美 已接入");
        page.js("window.harness.drop();");
        page.say("我又来了");
        page.waitUntil("a reconnect", () -> sockets() == 2);
        JsonNode resume = waitForSent("hello", 2);
        assertEquals("S1", resume.get("session").asText());
        assertEquals(1, resume.get("lastSeq").asInt());
        // While the buyer was away the agent said goodbye and closed: the replay brings both.
        push("{\"type\":\"welcome\",\"session\":\"S1\",\"token\":\"t-S1\",\"resumed\":true,\"lastSeq\":3,"
                + "\"state\":\"closed\",\"greeting\":\"亲，您好！\",\"hotQuestions\":[],\"hours\":{\"open\":true}}");
        push("{\"type\":\"reply\",\"seq\":2,\"from\":\"agent\",\"agentName\":\"小美\",\"text\":\"还有问题随时找我\","
                + "\"at\":\"2026-12-07T02:08:00Z\"}");
        push("{\"type\":\"closed\",\"seq\":3,\"by\":\"agent\",\"at\":\"2026-12-07T02:09:00Z\"}");
        page.waitUntil("a new connection for a new conversation", () -> sockets() == 3);
        assertTrue(sent("message").isEmpty(), "nothing was sent into the ended conversation");
        assertNull(waitForSent("hello", 3).get("session"));
        welcome("S2");
        assertEquals("我又来了", waitForSent("message", 1).get("text").asText());
        assertEquals(List.of("bot: 亲，您好！", "note: 小美 已接入", "agent: 还有问题随时找我", "note: 本次会话已结束",
                "divider: 新的会话", "bot: 亲，您好！", "me: 我又来了"), page.transcript());
    }

    @Test
    void withAPersonTheAgentSeesTheBuyerTypingAndTheBuyerMayEndTheChat() throws Exception {
        welcome("S1");
        assertFalse(page.visible(".end"), "nothing to end while only the bot is there");
        page.say("你好");
        JsonNode hi = waitForSent("message", 1);
        push("{\"type\":\"ack\",\"id\":\"" + hi.get("id").asText() + "\",\"seq\":1}");
        assertTrue(sent("typing").isEmpty(), "the bot does not need to know someone is typing");

        push("{\"type\":\"agent_joined\",\"seq\":2,\"agentName\":\"小美\",\"at\":\"2026-12-07T02:04:00Z\"}");
        page.waitForLast("note: 小美 已接入");
        page.input().sendKeys("我的订单");
        assertTrue(waitForSent("typing", 1).get("active").asBoolean());
        page.input().sendKeys(org.openqa.selenium.Keys.ENTER);
        JsonNode stop = waitForSent("typing", 2);
        assertFalse(stop.get("active").asBoolean(), "sending ends the typing");
        JsonNode order = waitForSent("message", 2);
        assertEquals("我的订单", order.get("text").asText());
        push("{\"type\":\"ack\",\"id\":\"" + order.get("id").asText() + "\",\"seq\":3}");

        assertTrue(page.visible(".human"), "转人工 is always there");
        page.click(".end");
        assertEquals("结束本次对话？", page.text(".tools .ask"));
        page.click(".end-no");
        assertTrue(page.visible(".end"));
        assertTrue(sent("close").isEmpty(), "cancelled: nothing sent");
        page.click(".end");
        page.click(".end-yes");
        waitForSent("close", 1);
        push("{\"type\":\"closed\",\"seq\":4,\"by\":\"buyer\",\"at\":\"2026-12-07T02:12:00Z\"}");
        page.waitForLast("note: 本次会话已结束");
        page.waitUntil("the rating card", () -> page.visible(".rate"));
        assertFalse(page.visible(".end"));
    }

    @Test
    void whenOneTabStartsANewConversationTheOtherTabsFollowIt() throws Exception {
        welcome("S1");
        String first = driver.getWindowHandle();
        driver.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
        page.open("/widget-harness.html");
        JsonNode resume = waitForSent("hello", 1);
        assertEquals("S1", resume.get("session").asText(), "the second tab joins the same conversation");
        String second = driver.getWindowHandle();

        driver.switchTo().window(first);
        push("{\"type\":\"closed\",\"seq\":1,\"by\":\"agent\",\"at\":\"2026-12-07T02:10:00Z\"}");
        page.waitForLast("note: 本次会话已结束");
        page.say("新问题");
        page.waitUntil("a new connection", () -> sockets() == 2);
        welcome("S2");

        driver.switchTo().window(second);
        page.waitUntil("the second tab reconnects", () -> sockets() == 2);
        JsonNode follow = waitForSent("hello", 2);
        assertEquals("S2", follow.get("session").asText(), "it follows the new conversation, not the ended one");
        assertEquals("t-S2", follow.get("token").asText());
        driver.close();
        driver.switchTo().window(first);
    }

    @Test
    void errorsNeverLoseWhatTheBuyerTyped() throws Exception {
        welcome("S1");
        page.say("存一下");
        JsonNode first = waitForSent("message", 1);
        push("{\"type\":\"error\",\"code\":\"store_unavailable\",\"message\":\"send it again\",\"retryable\":true,"
                + "\"id\":\"" + first.get("id").asText() + "\"}");
        JsonNode again = waitForSent("message", 2);
        assertEquals(first.get("id").asText(), again.get("id").asText(), "a retry keeps the id: never doubled");
        push("{\"type\":\"ack\",\"id\":\"" + first.get("id").asText() + "\",\"seq\":1}");
        page.waitUntil("stored", () -> page.findAll(".row.me .meta").isEmpty());

        String tooLong = "长".repeat(2001);
        page.js("const i = document.querySelector('xiaoer-chat').shadowRoot.querySelector('textarea');"
                + " i.value = arguments[0]; i.dispatchEvent(new Event('input'));", tooLong);
        page.click(".sendbtn");
        JsonNode longOne = waitForSent("message", 3);
        push("{\"type\":\"error\",\"code\":\"text_too_long\",\"message\":\"at most 2000\",\"retryable\":false,"
                + "\"id\":\"" + longOne.get("id").asText() + "\"}");
        page.waitUntil("the error next to the message", () -> page.text(".row.me:last-child .meta") != null
                && page.text(".row.me:last-child .meta").startsWith("未发送：消息太长了"));
        page.screenshot("error");
        page.click(".row.me:last-child .linkbtn");
        assertEquals(tooLong, page.input().getAttribute("value"), "'edit again' gives the text back");

        // A reload resumes with the stored session; a gateway that no longer knows it gets a clean new hello.
        driver.navigate().refresh();
        page.open("/widget-harness.html");
        JsonNode resume = waitForSent("hello", 1);
        assertEquals("S1", resume.get("session").asText());
        assertEquals("t-S1", resume.get("token").asText());
        assertEquals(1, resume.get("lastSeq").asInt());
        push("{\"type\":\"error\",\"code\":\"session_not_found\",\"message\":\"send hello again\","
                + "\"retryable\":false}");
        JsonNode fresh = waitForSent("hello", 2);
        assertNull(fresh.get("session"));
        assertEquals(tooLong, page.input().getAttribute("value"), "the draft survived the reload");
    }
}
