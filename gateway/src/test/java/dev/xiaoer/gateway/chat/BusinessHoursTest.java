package dev.xiaoer.gateway.chat;

import dev.xiaoer.gateway.config.GatewayConfig;
import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When people are in, in the shop's own time zone, and how the bot says when they are back. */
class BusinessHoursTest {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private final GatewayConfig.Texts zh = GatewayConfig.defaults().textsFor("zh");
    private final GatewayConfig.Texts en = GatewayConfig.defaults().textsFor("en");

    /** Weekdays 09:00–12:00 and 13:00–18:00, Saturday 10:00–24:00, Sunday closed; 2026-12-09 a holiday. */
    private final BusinessHours hours = new BusinessHours(new GatewayConfig.Hours(SHANGHAI, week(),
            Set.of(LocalDate.of(2026, 12, 9))));

    private static Map<DayOfWeek, List<GatewayConfig.Opening>> week() {
        Map<DayOfWeek, List<GatewayConfig.Opening>> w = new EnumMap<>(DayOfWeek.class);
        for (DayOfWeek d : List.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY,
                DayOfWeek.FRIDAY)) {
            w.put(d, List.of(new GatewayConfig.Opening(9 * 60, 12 * 60), new GatewayConfig.Opening(13 * 60, 18 * 60)));
        }
        w.put(DayOfWeek.SATURDAY, List.of(new GatewayConfig.Opening(10 * 60, 24 * 60)));
        return w;
    }

    /** December 2026: the 7th is a Monday. */
    private static Instant at(int day, int hour, int minute) {
        return LocalDateTime.of(2026, 12, day, hour, minute).atZone(SHANGHAI).toInstant();
    }

    @Test
    void openWithinTheRangesOfTheDayAndClosedOutside() {
        assertFalse(hours.isOpen(at(7, 8, 59)));
        assertTrue(hours.isOpen(at(7, 9, 0)));
        assertTrue(hours.isOpen(at(7, 11, 59)));
        assertFalse(hours.isOpen(at(7, 12, 30)), "lunch break");
        assertTrue(hours.isOpen(at(7, 13, 0)));
        assertFalse(hours.isOpen(at(7, 18, 0)), "the end of a range is closed");
        assertTrue(hours.isOpen(at(12, 23, 59)), "Saturday until midnight");
        assertFalse(hours.isOpen(at(13, 12, 0)), "Sunday closed");
        assertFalse(hours.isOpen(at(9, 10, 0)), "a closed date");
    }

    @Test
    void theTimeZoneIsTheShopsNotTheServers() {
        // 01:30 UTC is 09:30 in Shanghai.
        assertTrue(hours.isOpen(Instant.parse("2026-12-07T01:30:00Z")));
        assertFalse(hours.isOpen(Instant.parse("2026-12-07T10:30:00Z")));
    }

    @Test
    void backAtSaysTodayTomorrowOrTheWeekday() {
        assertEquals("今天 13:00", hours.backAt(at(7, 12, 15), zh));
        assertEquals("today 13:00", hours.backAt(at(7, 12, 15), en));
        assertEquals("明天 09:00", hours.backAt(at(7, 19, 0), zh));
        assertEquals("今天 09:00", hours.backAt(at(8, 2, 0), zh), "after midnight, the same day");
        assertEquals("周四 09:00", hours.backAt(at(8, 20, 0), zh), "the holiday on Wednesday is skipped");
        assertEquals("明天 09:00", hours.backAt(at(13, 9, 0), zh), "Sunday → Monday");
        assertEquals("明天 10:00", hours.backAt(at(11, 19, 0), zh), "Friday evening → Saturday");
        assertEquals("", hours.backAt(at(7, 10, 0), zh), "nothing to say while open");
    }

    @Test
    void aShopThatNeverOpensHasNoBackAt() {
        BusinessHours never = new BusinessHours(new GatewayConfig.Hours(SHANGHAI, Map.of(), Set.of()));
        assertFalse(never.isOpen(at(7, 10, 0)));
        assertEquals("", never.backAt(at(7, 10, 0), zh));
    }
}
