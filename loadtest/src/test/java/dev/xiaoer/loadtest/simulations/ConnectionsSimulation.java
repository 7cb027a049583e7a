package dev.xiaoer.loadtest.simulations;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.ws;

/**
 * Many buyers with the chat open and nothing to say, as on a big sales day when the widget sits on every product
 * page: {@code users} connections arrive over {@code ramp} seconds, each says hello, and all of them stay open
 * together for {@code duration} seconds more, pinging every {@code pingEvery} seconds (with jitter); then all
 * close. run.sh reads the gateway's heap and connection count in the middle of the hold, for connections per GiB
 * of heap. Every pong is checked.
 *
 * <p>Properties: {@code url}, {@code target}, {@code users} (200), {@code ramp} (10 s), {@code duration} (30 s
 * of hold once all are open), {@code pingEvery} (20 s; keep it under the gateway's
 * {@code limits.idleTimeoutSeconds}).
 */
public class ConnectionsSimulation extends Simulation {

    /** When every connection closes, in epoch milliseconds: the end of the ramp plus the hold. */
    private static final AtomicLong CLOSE_AT = new AtomicLong();

    private final int users = Knobs.users(200);
    private final Duration ramp = Knobs.ramp(10);
    private final Duration hold = Knobs.duration(30);
    private final long pingEveryMillis = Knobs.whole("pingEvery", 20, 1, 3600) * 1000L;

    private final ScenarioBuilder idle = scenario("buyer keeps the chat open")
            .exec(session -> {
                CLOSE_AT.compareAndSet(0, System.currentTimeMillis() + ramp.toMillis() + hold.toMillis());
                return session;
            })
            .exec(BuyerSteps.arrive())
            .exec(asLongAs(session -> System.currentTimeMillis() < CLOSE_AT.get()).on(
                    pause(session -> Duration.ofMillis(Math.min(nextPing(), Math.max(0,
                            CLOSE_AT.get() - System.currentTimeMillis())))),
                    // No ping at the close: every connection's last pause ends then, and a burst of pings there
                    // would measure the burst, not idle connections.
                    doIf(session -> System.currentTimeMillis() < CLOSE_AT.get()).then(BuyerSteps.ping())))
            .exec(ws("close").close());

    {
        CLOSE_AT.set(0);
        setUp(idle.injectOpen(rampUsers(users).during(ramp)))
                .protocols(BuyerSteps.protocol())
                .assertions(global().failedRequests().count().is(0L));
    }

    private long nextPing() {
        return pingEveryMillis / 2 + ThreadLocalRandom.current().nextLong(pingEveryMillis + 1);
    }
}
