package dev.xiaoer.loadtest.simulations;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import java.time.Duration;

import static io.gatling.javaapi.core.CoreDsl.during;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.ws;

/**
 * Buyers asking the shop's FAQ: each connects, says hello, then for {@code duration} seconds asks questions drawn
 * from the FAQ's questions and paraphrases (Zipf, with {@code neverSeen} of them unique), reading each answer for
 * {@code think} ms. Every reply is checked: a known question must get the band and FAQ entry the engine gives it,
 * a never-seen one any answer of the bot's own. The run fails if any check fails.
 *
 * <p>Against the echo server ({@code -Dtarget=echo}) the same frames go out and each must come back.
 *
 * <p>Properties: {@code url}, {@code target}, {@code users} (20), {@code ramp} (5 s), {@code duration} (30 s), {@code think}
 * (3000 ms), {@code neverSeen} (0.2), {@code zipf} (1.0).
 */
public class FaqChatSimulation extends Simulation {

    private final int users = Knobs.users(20);
    private final Duration ramp = Knobs.ramp(5);
    private final Duration duration = Knobs.duration(30);
    private final Duration think = Knobs.think(3000);

    private final ScenarioBuilder buyers = scenario("buyer asks the FAQ")
            .exec(BuyerSteps::counting)
            .exec(BuyerSteps.arrive())
            .exec(during(duration).on(
                    feed(QuestionFeeder.fromProperties()),
                    BuyerSteps.askFedQuestion(),
                    BuyerSteps.think(think)))
            .exec(ws("close").close());

    {
        setUp(buyers.injectOpen(rampUsers(users).during(ramp)))
                .protocols(BuyerSteps.protocol())
                .assertions(global().failedRequests().count().is(0L));
    }
}
