package dev.xiaoer.gateway.chat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock a test moves by hand (business hours, idle closing). */
public final class MutableClock extends Clock {

    private volatile Instant now;

    public MutableClock(Instant start) {
        this.now = start;
    }

    /** 2026-12-07 is a Monday; {@code hour:minute} is in Shanghai time. */
    public static MutableClock mondayShanghai(int hour, int minute) {
        return new MutableClock(java.time.LocalDateTime.of(2026, 12, 7, hour, minute)
                .atZone(ZoneId.of("Asia/Shanghai")).toInstant());
    }

    public void set(Instant instant) {
        now = instant;
    }

    public void advance(Duration d) {
        now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }
}
