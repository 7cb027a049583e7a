package dev.xiaoer.gateway.chat;

import dev.xiaoer.intents.Candidate;
import dev.xiaoer.intents.Decision;
import dev.xiaoer.intents.DialogState;
import dev.xiaoer.intents.Flag;
import dev.xiaoer.intents.IntentEngine;
import dev.xiaoer.intents.Route;
import dev.xiaoer.intents.Turn;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny shop brain for tests: a few keywords decide, like the real engine's rules and FAQ would. 发货 answers,
 * 尺码 suggests, 你好 is small talk, 退款 and 投诉 hand off, 转人工 asks for a person, 差评 raises a flag; anything
 * else is unknown, and the second unknown in a row offers a human, which 好的 accepts. BOOM makes it throw, as a
 * buggy engine would.
 */
public final class KeywordEngine implements IntentEngine {

    static final Map<String, Decision.Answer> FAQ = new LinkedHashMap<>();

    static {
        faq("ship", "什么时候发货？", "付款后 48 小时内发货。");
        faq("return", "怎么退货？", "签收 7 天内可无理由退货。");
        faq("size-chart", "尺码怎么选？", "请参考商品页的尺码表。");
        faq("size-exchange", "尺码不合适能换吗？", "可以免费换一次尺码。");
    }

    private static void faq(String id, String question, String answer) {
        FAQ.put(id, new Decision.Answer(id, question, answer, 0.9, List.of()));
    }

    private final AtomicInteger decisions = new AtomicInteger();

    /** How many times {@link #decide} ran: a resend must not make it run again. */
    public int decisions() {
        return decisions.get();
    }

    @Override
    public Turn decide(String message, DialogState state) {
        decisions.incrementAndGet();
        if (message.contains("BOOM")) {
            throw new IllegalStateException("an engine bug, simulated");
        }
        List<Flag> flags = message.contains("差评") ? List.of(new Flag("abuse", "差评威胁", "差评", message.indexOf("差评")))
                : List.of();
        if (message.contains("投诉")) {
            return handoff(new Route("complaints", "投诉", 100, "投诉", message.indexOf("投诉"), Route.Reason.KEYWORD), flags);
        }
        if (message.contains("退款")) {
            return handoff(new Route("after-sales", "售后", 50, "退款", message.indexOf("退款"), Route.Reason.KEYWORD), flags);
        }
        if (state.humanOffered() && message.equals("好的")) {
            return handoff(new Route("human", "人工客服", 10, "", -1, Route.Reason.ACCEPTED_OFFER), flags);
        }
        if (message.contains("转人工")) {
            return handoff(new Route("human", "人工客服", 10, "转人工", message.indexOf("转人工"), Route.Reason.KEYWORD), flags);
        }
        if (message.contains("发货")) {
            return new Turn(FAQ.get("ship"), flags, DialogState.START);
        }
        if (message.contains("尺码")) {
            return new Turn(new Decision.Suggest(0.5, List.of(candidate("size-chart"), candidate("size-exchange"))),
                    flags, DialogState.START);
        }
        if (message.contains("你好")) {
            return new Turn(new Decision.Smalltalk(Decision.Smalltalk.Kind.GREETING, "您好，请问有什么可以帮您？"), flags,
                    DialogState.START);
        }
        int unknowns = state.consecutiveUnknowns() + 1;
        boolean offer = unknowns >= 2 && !state.humanOffered();
        return new Turn(new Decision.Unknown(0.1, List.of(), offer), flags,
                new DialogState(unknowns, state.humanOffered() || offer));
    }

    private static Turn handoff(Route route, List<Flag> flags) {
        return new Turn(new Decision.Handoff(route), flags, DialogState.START);
    }

    private static Candidate candidate(String id) {
        Decision.Answer a = FAQ.get(id);
        return new Candidate(id, a.question(), a.confidence());
    }

    @Override
    public Optional<Decision.Answer> answer(String faqId) {
        return Optional.ofNullable(FAQ.get(faqId));
    }

    @Override
    public List<Candidate> hotQuestions(int max) {
        return FAQ.keySet().stream().limit(max).map(KeywordEngine::candidate).toList();
    }

    @Override
    public int faqSize() {
        return FAQ.size();
    }

    @Override
    public void reloadFaq(Path faqFile) {
        throw new UnsupportedOperationException("the test engine has a fixed FAQ");
    }

    @Override
    public void reloadRules(Path rulesFile) {
        throw new UnsupportedOperationException("the test engine has fixed rules");
    }
}
