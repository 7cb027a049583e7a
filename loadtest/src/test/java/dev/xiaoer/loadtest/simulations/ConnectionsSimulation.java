package dev.xiaoer.loadtest.simulations;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import static io.gatling.javaapi.core.CoreDsl.during;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.ws;

/**
 * Many buyers with the chat open and nothing to say, as on a big sales day when the widget sits on every product
 * page: each connects, says hello, then only pings every {@code pingEvery} seconds (with jitter) for
 * {@code duration} seconds. It ramps to {@code users} connections; run.sh reads the gateway's heap and connection
 * count while they are all open, for connections per GiB of heap. Every pong is checked.
 *
 * <p>Properties: {@code url}, {@code target}, {@code users} (200), {@code ramp} (10 s), {@code duration} (30 s),
 * {@code pingEvery} (20 s; keep it under the gateway's {@code limits.idleTimeoutSeconds}).
 */
public class ConnectionsSimulation extends Simulation {

    private final int users = Knobs.users(200);
    private final Duration ramp = Knobs.ramp(10);
    private final Duration duration = Knobs.duration(30);
    private final long pingEveryMillis = Knobs.whole("pingEvery", 20, 1, 3600) * 1000L;

    private final ScenarioBuilder idle = scenario("buyer keeps the chat open")
            .exec(BuyerSteps.arrive())
            .exec(during(duration).on(
                    pause(session -> Duration.ofMillis(
                            pingEveryMillis / 2 + ThreadLocalRandom.current().nextLong(pingEveryMillis + 1))),
                    BuyerSteps.ping()))
            .exec(ws("close").close());

    {
        setUp(idle.injectOpen(rampUsers(users).during(ramp)))
                .protocols(BuyerSteps.protocol())
                .assertions(global().failedRequests().count().is(0L));
    }
}
