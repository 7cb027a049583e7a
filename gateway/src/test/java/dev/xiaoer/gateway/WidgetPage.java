package dev.xiaoer.gateway;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.SearchContext;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The chat widget on a page, as a buyer uses it: open the bubble, type, click; and what the buyer sees: the
 * transcript as lines ({@code "me: …"}, {@code "bot: …"}, {@code "agent: …"}, {@code "note: …"}), the status line,
 * the queue banner. Everything is read from the widget's shadow root.
 */
final class WidgetPage {

    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    /** The transcript in order, as the buyer reads it (screen-reader-only prefixes left out). */
    private static final String TRANSCRIPT = """
            const host = document.querySelector('xiaoer-chat');
            if (!host || !host.shadowRoot) { return []; }
            return Array.from(host.shadowRoot.querySelectorAll('.log .row, .log .note, .log .divider')).map(n => {
              if (n.classList.contains('divider')) { return 'divider: ' + n.textContent; }
              if (n.classList.contains('note')) { return 'note: ' + n.textContent; }
              const kind = n.classList.contains('me') ? 'me' : n.classList.contains('agent') ? 'agent' : 'bot';
              const bubble = n.querySelector('.bubble').cloneNode(true);
              bubble.querySelectorAll('.sr').forEach(s => s.remove());
              return kind + ': ' + bubble.textContent;
            });""";

    private final ChromeDriver driver;
    private final String base;

    WidgetPage(ChromeDriver driver, String base) {
        this.driver = driver;
        this.base = base;
    }

    ChromeDriver driver() {
        return driver;
    }

    WidgetPage open(String path) {
        driver.get(base + path);
        waitUntil("the widget is on the page", () -> Boolean.TRUE.equals(js(
                "const h = document.querySelector('xiaoer-chat'); return !!(h && h.shadowRoot"
                        + " && h.shadowRoot.querySelector('.launcher'));")));
        return this;
    }

    SearchContext shadow() {
        return driver.findElement(By.tagName("xiaoer-chat")).getShadowRoot();
    }

    WebElement find(String css) {
        return shadow().findElement(By.cssSelector(css));
    }

    List<WebElement> findAll(String css) {
        return shadow().findElements(By.cssSelector(css));
    }

    WebElement launcher() {
        return find(".launcher");
    }

    WebElement input() {
        return find("textarea.input");
    }

    /** Whether the chat window is open (not whether its opening animation has faded it in yet). */
    boolean panelOpen() {
        return Boolean.FALSE.equals(js("return document.querySelector('xiaoer-chat').shadowRoot"
                + ".querySelector('.panel').hidden;"));
    }

    /** Clicks the bubble and waits for the window to be open, its opening animation done, and the greeting. */
    WidgetPage openChat() {
        launcher().click();
        waitUntil("the panel is open", this::panelOpen);
        waitUntil("the opening animation is over", () -> Boolean.TRUE.equals(js("return document"
                + ".querySelector('xiaoer-chat').shadowRoot.getAnimations().every(a => a.playState !== 'running');")));
        waitForTranscript("the greeting", lines -> !lines.isEmpty());
        return this;
    }

    /** Types a message and presses Enter. */
    void say(String text) {
        WebElement input = input();
        input.sendKeys(text);
        input.sendKeys(Keys.ENTER);
    }

    void click(String css) {
        find(css).click();
    }

    /** Clicks the first button in the transcript whose text is exactly {@code text} (hot question, suggestion). */
    void clickChip(String text) {
        for (WebElement chip : findAll(".chip")) {
            if (chip.getText().equals(text)) {
                chip.click();
                return;
            }
        }
        throw new AssertionError("no button '" + text + "' in " + chips());
    }

    List<String> chips() {
        List<String> texts = new ArrayList<>();
        for (WebElement chip : findAll(".chip")) {
            texts.add(chip.getText());
        }
        return texts;
    }

    @SuppressWarnings("unchecked")
    List<String> transcript() {
        return new ArrayList<>((List<String>) js(TRANSCRIPT));
    }

    String text(String css) {
        Object text = js("const h = document.querySelector('xiaoer-chat');"
                + " const e = h && h.shadowRoot.querySelector(arguments[0]);"
                + " return e ? e.textContent : null;", css);
        return text == null ? null : text.toString();
    }

    boolean visible(String css) {
        List<WebElement> found = findAll(css);
        return !found.isEmpty() && found.get(0).isDisplayed();
    }

    /** Whether the end of the transcript is scrolled into view. */
    boolean endInView() {
        return Boolean.TRUE.equals(js("const log = document.querySelector('xiaoer-chat').shadowRoot.querySelector('.log');"
                + " const last = log.lastElementChild.getBoundingClientRect();"
                + " return last.bottom <= log.getBoundingClientRect().bottom + 1;"));
    }

    String status() {
        return text(".status");
    }

    List<String> waitForTranscript(String what, Predicate<List<String>> condition) {
        return waitForTranscript(what, PATIENCE, condition);
    }

    List<String> waitForTranscript(String what, Duration patience, Predicate<List<String>> condition) {
        List<List<String>> last = new ArrayList<>(List.of(List.of()));
        try {
            new WebDriverWait(driver, patience).until(d -> {
                last.set(0, transcript());
                return condition.test(last.get(0));
            });
        } catch (TimeoutException e) {
            throw new AssertionError("waited for " + what + "; the transcript is " + last.get(0), e);
        }
        return last.get(0);
    }

    /** Waits for the last line of the transcript to be exactly {@code line}. */
    List<String> waitForLast(String line) {
        return waitForTranscript("'" + line + "' at the end",
                lines -> !lines.isEmpty() && lines.get(lines.size() - 1).equals(line));
    }

    void waitUntil(String what, java.util.function.BooleanSupplier condition) {
        waitUntil(what, PATIENCE, condition);
    }

    void waitUntil(String what, Duration patience, java.util.function.BooleanSupplier condition) {
        try {
            new WebDriverWait(driver, patience).until(d -> condition.getAsBoolean());
        } catch (TimeoutException e) {
            throw new AssertionError("waited " + patience.toSeconds() + " s for " + what + "; the transcript is "
                    + transcript() + ", the status '" + status() + "'", e);
        }
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** What the widget keeps in localStorage for this gateway. */
    @SuppressWarnings("unchecked")
    Map<String, Object> stored() {
        return (Map<String, Object>) js("const k = Object.keys(localStorage).find(k => k.startsWith('xiaoer-widget:'));"
                + " return k ? JSON.parse(localStorage.getItem(k)) : null;");
    }

    void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.write(SCREENSHOTS.resolve("widget-" + name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
