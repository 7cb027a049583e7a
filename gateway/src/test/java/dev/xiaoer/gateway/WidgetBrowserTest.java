package dev.xiaoer.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.event.EventBody;
import dev.xiaoer.intents.Candidate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The buyer's chat widget in headless Chromium against a real gateway (default config, the sample shop's FAQ):
 * what a buyer on the demo shop page does and sees.
 */
@Tag("browser")
class WidgetBrowserTest {

    @TempDir
    static Path browserProfile;
    @TempDir
    static Path shopData;

    private static ChromeDriver driver;
    private static ShopGateway shop;
    private WidgetPage page;

    @BeforeAll
    static void startBrowserAndGateway() throws Exception {
        shop = ShopGateway.start(shopData);
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
    void freshBuyer() {
        page = new WidgetPage(driver, shop.url(""));
    }

    @AfterEach
    void forgetTheBuyer() {
        String main = driver.getWindowHandles().iterator().next();
        for (String handle : driver.getWindowHandles()) {
            if (!handle.equals(main)) {
                driver.switchTo().window(handle).close();
            }
        }
        driver.switchTo().window(main);
        driver.manage().window().setSize(new Dimension(1280, 800));
        driver.get(shop.url("/health"));
        page.js("localStorage.clear(); sessionStorage.clear();");
    }

    private static String answerOf(String faqId) throws Exception {
        return ShopGateway.engine().answer(faqId).orElseThrow().answer();
    }

    @Test
    void theDemoShopGreetsWithHotQuestionsAndAnswersAnFaq() throws Exception {
        HttpResponse<String> script = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(shop.url("/widget.js"))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, script.statusCode());
        assertTrue(script.headers().firstValue("content-type").orElse("").startsWith("text/javascript"));

        page.open("/");
        assertFalse(page.panelOpen(), "the chat starts as a bubble");
        page.openChat();
        List<String> greeted = page.transcript();
        assertEquals(List.of("bot: 亲，您好！我是店小二，有什么可以帮您？"), greeted);
        List<String> hot = ShopGateway.engine().hotQuestions(5).stream().map(Candidate::question).toList();
        assertEquals(hot, page.chips(), "the hot questions are buttons under the greeting");
        assertTrue(page.status().contains("在线"), page.status());

        page.say("什么时候发货");
        List<String> lines = page.waitForLast("bot: " + answerOf("ship-time"));
        assertEquals(List.of(greeted.get(0), "me: 什么时候发货", "bot: " + answerOf("ship-time")), lines);
        assertTrue(page.findAll(".row.me .meta").isEmpty(), "the message is stored: no 'sending' left");
        page.screenshot("faq");
    }

    @Test
    void hotQuestionsAndSuggestionsAreButtonsThatAskTheirFaq() throws Exception {
        page.open("/").openChat();
        Candidate first = ShopGateway.engine().hotQuestions(5).get(0);
        page.clickChip(first.question());
        page.waitForLast("bot: " + answerOf(first.faqId()));

        page.say("衣服");
        List<String> lines = page.waitForTranscript("a 'did you mean' reply",
                l -> l.get(l.size() - 1).equals("bot: 您是想问以下哪个问题呢？"));
        List<WebElement> suggestions = page.findAll(".row.bot:last-child .chip");
        assertTrue(suggestions.size() >= 2, "suggestions are buttons: " + page.chips());
        String question = suggestions.get(0).getText();
        String faqId = suggestions.get(0).getAttribute("data-faq-id");
        page.screenshot("suggestions");
        suggestions.get(0).click();
        List<String> after = page.waitForLast("bot: " + answerOf(faqId));
        assertEquals("me: " + question, after.get(after.size() - 2), "the buyer's bubble shows the question clicked");
        assertEquals(lines.size() + 2, after.size());
    }

    @Test
    void aRefundRequestIsHandedToPeopleAndThePlaceInLineMovesLive() throws Exception {
        try (TestConsole agent = shop.demoAgentAway(); TestBuyer ahead = TestBuyer.connect(shop.ws())) {
            String aheadSession = ahead.hello().get("session").asText();
            ahead.say("a1", "我要退款");
            ahead.next("ack");
            JsonNode queued = ahead.next("queued");
            String queueName = queued.get("queueName").asText();

            page.open("/").openChat();
            page.say("我要退款");
            page.waitForLast("note: 已为您转接" + queueName + "，请稍候");
            page.waitUntil("the banner shows place 2", () -> page.visible(".queue")
                    && page.text(".queue").contains("排队中 · " + queueName)
                    && page.text(".queue").contains("您排在第 2 位"));
            assertTrue(page.text(".queue").contains("预计等待约"), page.text(".queue"));
            assertTrue(page.status().contains("正在等待人工客服"), page.status());
            page.screenshot("queued");

            agent.frame("claim", "conversation", aheadSession); // an agent takes the one ahead
            agent.next("assigned");
            page.waitUntil("the banner shows place 1", () -> page.text(".queue").contains("您排在第 1 位"));
        }
    }

    @Test
    void outsideBusinessHoursTheBuyerIsToldAndLeavesAMessage() throws Exception {
        Instant tenAm = shop.clock.instant();
        shop.clock.set(tenAm.plus(Duration.ofHours(13))); // Monday 23:00 in Shanghai: people are away
        try {
            page.open("/").openChat();
            List<String> greeted = page.waitForTranscript("the out-of-hours notice", l -> l.size() == 2);
            assertEquals("note: 现在不在人工客服时间，客服将于明天 09:00回来。小二可以继续为您解答常见问题。", greeted.get(1));
            page.say("我要退款");
            List<String> lines = page.waitForLast("note: 已为您留言，客服回来后第一时间回复");
            assertEquals("note: 现在不在人工客服时间，已为您留言，客服将于明天 09:00回来后第一时间回复您。",
                    lines.get(lines.size() - 2));
            page.waitUntil("the banner", () -> page.visible(".queue"));
            assertEquals("已留言 · 客服回来后回复", page.text(".queue > div"));
            page.waitUntil("the last line still in view under the banner", page::endInView);
            page.screenshot("out-of-hours");
        } finally {
            shop.clock.set(tenAm);
        }
    }

    @Test
    void theHumanButtonAsksForAPersonAsAnOrdinaryMessage() {
        try (TestConsole agent = shop.demoAgentAway()) {
            page.open("/").openChat();
            page.click(".human");
            List<String> lines = page.waitForLast("note: 已为您转接人工客服，请稍候");
            assertEquals("me: 转人工", lines.get(lines.size() - 2));
            page.waitUntil("the banner", () -> page.visible(".queue"));
        }
    }

    @Test
    void aReloadMidConversationRestoresTheHistoryWithNothingDoubled() throws Exception {
        page.open("/").openChat();
        page.say("什么时候发货");
        page.waitForLast("bot: " + answerOf("ship-time"));
        page.say("包邮吗");
        List<String> before = page.waitForLast("bot: " + answerOf("free-shipping"));
        Object session = page.stored().get("session");

        driver.navigate().refresh();
        page.open("/");
        assertTrue(page.panelOpen(), "the chat stays open across a reload of the tab");
        page.waitUntil("online again", () -> page.status().contains("在线"));
        assertEquals(before, page.transcript(), "the same history, once");
        assertEquals(session, page.stored().get("session"), "the same conversation was resumed");

        page.say("能便宜点吗");
        List<String> after = page.waitForLast("bot: " + answerOf("bargain"));
        assertEquals(before.size() + 2, after.size());
        assertEquals(before, after.subList(0, before.size()));
        page.screenshot("reloaded");
    }

    @Test
    void aMessageTypedInOneTabShowsInTheOtherAsTheBuyersOwnWithTheAnswerCountedUnread() throws Exception {
        page.open("/").openChat();
        page.say("什么时候发货");
        page.waitForLast("bot: " + answerOf("ship-time"));
        page.click(".close");
        String first = driver.getWindowHandle();

        driver.switchTo().newWindow(WindowType.TAB);
        page.open("/");
        page.launcher().click();
        page.waitForLast("bot: " + answerOf("ship-time"));
        page.say("包邮吗");
        List<String> second = page.waitForLast("bot: " + answerOf("free-shipping"));

        driver.switchTo().window(first);
        assertEquals(second, page.waitForLast("bot: " + answerOf("free-shipping")));
        assertEquals("1", page.text(".badge"), "the answer is unread; the buyer's own message is not");
        assertEquals("打开在线客服（1 条未读）", page.launcher().getAttribute("aria-label"));
        page.launcher().click();
        page.waitUntil("read", () -> !page.visible(".badge"));
    }

    @Test
    void whatTheBuyerTypesIsShownAsTextNeverRunAsMarkup() throws Exception {
        page.open("/").openChat();
        String attack = "<img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script><b>粗体</b>";
        page.say(attack);
        page.waitForTranscript("the bot's answer", l -> l.size() >= 3);
        assertEquals("me: " + attack, page.transcript().get(1));
        assertNull(page.js("return window.pwned;"));
        assertTrue(page.findAll(".row.me .bubble img, .row.me .bubble script, .row.me .bubble b").isEmpty(),
                "no element was made from the text");
    }

    @Test
    void theKeyboardReachesAndOperatesEverything() {
        page.open("/widget-options.html");
        new Actions(driver).sendKeys(Keys.TAB).perform();
        assertEquals("launcher", focused(), "Tab reaches the bubble");
        assertEquals("false", page.launcher().getAttribute("aria-expanded"));
        new Actions(driver).sendKeys(Keys.ENTER).perform();
        page.waitUntil("the panel opens", page::panelOpen);
        assertEquals("input", focused(), "opening moves the focus to the input box");
        assertEquals("true", page.launcher().getAttribute("aria-expanded"));

        new Actions(driver).sendKeys("第一行").keyDown(Keys.SHIFT).sendKeys(Keys.ENTER).keyUp(Keys.SHIFT)
                .sendKeys("第二行").perform();
        assertEquals("第一行\n第二行", page.input().getAttribute("value"), "Shift+Enter is a new line");
        new Actions(driver).sendKeys(Keys.ENTER).perform();
        page.waitForTranscript("the two-line message", l -> l.contains("me: 第一行\n第二行"));
        assertEquals("", page.input().getAttribute("value"));

        new Actions(driver).sendKeys(Keys.ESCAPE).perform();
        page.waitUntil("the panel closes", () -> !page.panelOpen());
        assertEquals("launcher", focused(), "closing gives the focus back to the bubble");

        WebElement log = page.find(".log");
        assertEquals("log", log.getAttribute("role"));
        assertEquals("polite", log.getAttribute("aria-live"));
        assertNotNull(page.find(".close").getAttribute("aria-label"));
        assertNotNull(page.find(".sendbtn").getAttribute("aria-label"));
    }

    private String focused() {
        return (String) page.js("const h = document.querySelector('xiaoer-chat');"
                + " if (document.activeElement !== h) { return 'outside: ' + document.activeElement.tagName; }"
                + " const a = h.shadowRoot.activeElement; return a ? a.className.split(' ').pop() : 'none';");
    }

    @Test
    void englishModeWithTheOptionsOfTheScriptTag() throws Exception {
        page.open("/widget-options.html?lang=en&title=Help%20desk&position=left&color=%23005bac&open");
        page.waitUntil("the panel starts open", page::panelOpen);
        page.waitForTranscript("the English greeting",
                l -> l.equals(List.of("bot: Hello! I'm Xiaoer, the shop's assistant. How can I help?")));
        assertEquals("Help desk", page.text(".title"));
        assertEquals("Type your question…", page.input().getAttribute("placeholder"));
        assertEquals("Talk to a person", page.text(".human"));
        assertTrue(page.status().startsWith("Online"), page.status());
        Rectangle bubble = page.launcher().getRect();
        assertTrue(bubble.getX() < 100, "data-position=left puts the bubble on the left: " + bubble.getX());
        assertEquals("rgba(0, 91, 172, 1)", page.launcher().getCssValue("background-color"));

        page.say("xyz");
        page.waitForTranscript("the English 'unknown' answer",
                l -> l.get(l.size() - 1).equals("bot: Sorry, I don't know the answer to that yet."));
        page.screenshot("english");
    }

    @Test
    void onAPhoneTheChatFillsTheScreen() {
        driver.manage().window().setSize(new Dimension(390, 844));
        page.open("/").openChat();
        Rectangle panel = page.find(".panel").getRect();
        long width = (Long) page.js("return document.documentElement.clientWidth;");
        long height = (Long) page.js("return document.documentElement.clientHeight;");
        assertEquals(0, panel.getX());
        assertEquals(0, panel.getY());
        assertEquals(width, panel.getWidth());
        assertEquals(height, panel.getHeight());
        assertFalse(page.launcher().isDisplayed(), "the bubble hides behind a full-screen chat");
        assertEquals("16px", page.input().getCssValue("font-size"), "16 px or more: no zoom on focus in iOS");
        page.screenshot("mobile");
    }

    @Test
    void aHostilePageCannotBreakTheWidgetAndTheWidgetDoesNotStyleThePage() throws Exception {
        page.open("/embed-test.html");
        WebElement launcher = page.launcher();
        assertTrue(launcher.isDisplayed(), "page rules cannot hide the bubble");
        Rectangle r = launcher.getRect();
        assertEquals(60, r.getWidth());
        assertEquals(60, r.getHeight());
        assertEquals(1280 - 20 - 60, r.getX(), "bottom right, where it belongs");

        page.openChat();
        assertEquals("15px", page.find(".greet .bubble").getCssValue("font-size"));
        assertEquals("rgba(31, 35, 41, 1)", page.find(".greet .bubble").getCssValue("color"));
        page.say("什么时候发货");
        page.waitForLast("bot: " + answerOf("ship-time"));
        assertEquals("rgba(194, 65, 12, 1)", page.find(".row.me .bubble").getCssValue("background-color"),
                "the page's --accent does not reach the widget");
        page.screenshot("hostile");

        Map<?, ?> probe = (Map<?, ?>) page.js("const s = getComputedStyle(document.getElementById('probe'));"
                + " return {radius: s.borderTopLeftRadius, background: s.backgroundColor, position: s.position};");
        assertEquals(Map.of("radius", "0px", "background", "rgba(0, 0, 0, 0)", "position", "static"), probe,
                "the widget's class names do not style the page's elements");
        assertEquals(List.of("XiaoerWidget"), page.js("return window.globalsAdded;"), "one global name");
    }

    @Test
    void aShopWithAStrictContentSecurityPolicyStillGetsAStyledWorkingWidget() throws Exception {
        page.open("/widget-csp.html");
        assertEquals(60, page.launcher().getRect().getWidth(), "the widget's styles are not refused as inline styles");
        assertEquals("rgba(194, 65, 12, 1)", page.launcher().getCssValue("background-color"));
        page.openChat();
        page.say("什么时候发货");
        page.waitForLast("bot: " + answerOf("ship-time"));
        assertEquals("14px", page.find(".row.bot .bubble").getCssValue("border-bottom-left-radius"));
    }

    @Test
    void destroyRemovesTheWidgetAndItsGlobal() {
        page.open("/widget-options.html").openChat();
        page.js("XiaoerWidget.destroy();");
        assertEquals(0L, page.js("return document.querySelectorAll('xiaoer-chat').length;"));
        assertEquals("undefined", page.js("return typeof window.XiaoerWidget;"));
    }

    @Test
    void theWidgetReconnectsToARestartedGatewayAndDeliversWhatWasTypedWhileItWasDown(@TempDir Path data)
            throws Exception {
        ShopGateway first = ShopGateway.start(data);
        WidgetPage widget = new WidgetPage(driver, first.url(""));
        try {
            widget.open("/").openChat();
            widget.say("什么时候发货");
            widget.waitForLast("bot: " + answerOf("ship-time"));
            String session = (String) widget.stored().get("session");

            first.close();
            widget.waitUntil("the widget sees it is offline", () -> widget.status().contains("正在重连"));
            widget.say("包邮吗");
            widget.waitUntil("the message waits for the network",
                    () -> "等待网络，恢复后自动发送".equals(widget.text(".row.me:last-child .meta")));
            List<String> offline = widget.transcript();
            assertEquals("me: 包邮吗", offline.get(offline.size() - 1), "shown at once, before any server has it");
            widget.screenshot("offline");

            String answer = "bot: " + answerOf("free-shipping");
            try (ShopGateway second = first.restart()) {
                // Back-off: the next attempt comes within 0.5 s doubling, so a few seconds after the restart.
                List<String> lines = widget.waitForTranscript("the answer after the restart", Duration.ofSeconds(20),
                        l -> l.get(l.size() - 1).equals(answer));
                widget.waitUntil("online", Duration.ofSeconds(5), () -> widget.status().contains("在线"));
                assertEquals(List.of("bot: 亲，您好！我是店小二，有什么可以帮您？", "me: 什么时候发货",
                        "bot: " + answerOf("ship-time"), "me: 包邮吗", answer), lines);
                assertTrue(widget.findAll(".row.me .meta").isEmpty(), "nothing left to send");
                assertEquals(session, widget.stored().get("session"), "the conversation resumed");
                long delivered = second.store.events(session, 0, 1000).stream()
                        .map(ConversationEvent::body)
                        .filter(b -> b instanceof EventBody.BuyerSaid said && said.text().equals("包邮吗"))
                        .count();
                assertEquals(1, delivered, "delivered once");
                widget.screenshot("restarted");
            }
        } finally {
            first.close();
            widget.js("localStorage.clear(); sessionStorage.clear();");
        }
    }
}
