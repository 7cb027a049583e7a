package dev.xiaoer.gateway.web;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StaticFilesTest {

    private final StaticFiles files = StaticFiles.load("agent/", "the-policy");

    @Test
    void everyShippedAssetIsInMemoryWithItsTypeAndTag() {
        StaticFiles.File widget = files.get("widget.js");
        assertNotNull(widget);
        assertEquals("text/javascript; charset=utf-8", widget.type());
        assertTrue(new String(widget.bytes(), StandardCharsets.UTF_8).contains("/ws/chat"));
        assertTrue(widget.etag().matches("\"[0-9a-f]{16}\""), widget.etag());
        assertNull(widget.policy(), "the widget runs on the shop's pages: no console policy");

        StaticFiles.File console = files.get("agent/index.html");
        assertNotNull(console);
        assertEquals("text/html; charset=utf-8", console.type());
        assertEquals("the-policy", console.policy());
        assertNotEquals(widget.etag(), console.etag());
        assertNotNull(files.get("index.html"));
        assertNotNull(files.get("agent/console.css"));
    }

    @Test
    void namesOutsideTheAssetsAreNotThere() {
        assertNull(files.get("nothing-here.js"));
        assertNull(files.get("../logback.xml"));
        assertNull(files.get("agent"));
        assertNull(files.get(""));
        assertTrue(files.size() >= 6, "loaded " + files.size());
    }

    @Test
    void aSecondLoadGivesTheSameTags() {
        StaticFiles again = StaticFiles.load("agent/", "the-policy");
        assertEquals(files.get("widget.js").etag(), again.get("widget.js").etag());
        assertEquals(files.size(), again.size());
    }
}
