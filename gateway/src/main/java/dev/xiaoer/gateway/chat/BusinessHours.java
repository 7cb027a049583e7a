package dev.xiaoer.gateway.chat;

import dev.xiaoer.gateway.config.GatewayConfig;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/** When people answer, in the shop's time zone: whether they are in now, and when they are next back. */
final class BusinessHours {

    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");
    private static final DateTimeFormatter DATE_HH_MM = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    /** Look at most this far ahead for the next opening; a shop closed longer than that is "not back". */
    private static final int HORIZON_DAYS = 400;

    private final GatewayConfig.Hours spec;

    BusinessHours(GatewayConfig.Hours spec) {
        this.spec = spec;
    }

    boolean isOpen(Instant at) {
        ZonedDateTime t = at.atZone(spec.timeZone());
        int minute = t.getHour() * 60 + t.getMinute();
        for (GatewayConfig.Opening o : openingsOf(t.toLocalDate())) {
            if (minute >= o.fromMinute() && minute < o.toMinute()) {
                return true;
            }
        }
        return false;
    }

    /** The next moment people are in, strictly after a closed {@code at}; empty if never within the horizon. */
    Optional<ZonedDateTime> nextOpening(Instant at) {
        ZonedDateTime t = at.atZone(spec.timeZone());
        int minute = t.getHour() * 60 + t.getMinute();
        LocalDate day = t.toLocalDate();
        for (int d = 0; d < HORIZON_DAYS; d++, day = day.plusDays(1)) {
            for (GatewayConfig.Opening o : openingsOf(day)) {
                if (d > 0 || o.fromMinute() > minute) {
                    return Optional.of(day.atStartOfDay(spec.timeZone()).plusMinutes(o.fromMinute()));
                }
            }
        }
        return Optional.empty();
    }

    /** When people are back, in words ("明天 09:00", "周一 09:00"); empty when they are in or never back. */
    String backAt(Instant now, GatewayConfig.Texts texts) {
        if (isOpen(now)) {
            return "";
        }
        Optional<ZonedDateTime> next = nextOpening(now);
        if (next.isEmpty()) {
            return "";
        }
        ZonedDateTime at = next.get();
        long days = ChronoUnit.DAYS.between(now.atZone(spec.timeZone()).toLocalDate(), at.toLocalDate());
        String time = at.format(HH_MM);
        if (days == 0) {
            return texts.today() + " " + time;
        }
        if (days == 1) {
            return texts.tomorrow() + " " + time;
        }
        if (days < 7) {
            return texts.weekdays().get(at.getDayOfWeek().getValue() - 1) + " " + time;
        }
        return at.format(DATE_HH_MM);
    }

    private List<GatewayConfig.Opening> openingsOf(LocalDate day) {
        if (spec.closedDates().contains(day)) {
            return List.of();
        }
        return spec.week().getOrDefault(day.getDayOfWeek(), List.of());
    }
}
