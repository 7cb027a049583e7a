package dev.xiaoer.gateway.admin;

import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.event.EventBody;
import dev.xiaoer.gateway.store.ConversationStore;
import dev.xiaoer.gateway.store.NewConversation;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;

/** Conversations written straight into a store, each event at the time the story says (Shanghai time). */
final class ScriptedChats {

    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    private final ConversationStore store;

    ScriptedChats(ConversationStore store) {
        this.store = store;
    }

    /** {@code 2026-12-07T10:00} in Shanghai, as an instant. */
    static Instant at(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(SHANGHAI).toInstant();
    }

    Chat chat(String id, String startedAt) {
        store.open(new NewConversation(id, "hash-" + id, at(startedAt))).join();
        return new Chat(id);
    }

    /** One conversation being written, event by event. */
    final class Chat {
        private final String id;
        private long seq;
        private long lastBuyerSeq;

        private Chat(String id) {
            this.id = id;
        }

        private Chat add(String when, EventBody body) {
            store.append(List.of(new ConversationEvent(id, ++seq, at(when), body))).join();
            return this;
        }

        Chat buyer(String when, String text) {
            add(when, new EventBody.BuyerSaid("m" + (seq + 1), text, null));
            lastBuyerSeq = seq;
            return this;
        }

        Chat bot(String when, String band, String text) {
            return add(when, new EventBody.BotReplied(lastBuyerSeq, band, text, null, 0.5, List.of()));
        }

        Chat flag(String when, String rule, String trigger) {
            return add(when, new EventBody.Flagged(lastBuyerSeq, rule, rule + " rule", trigger));
        }

        Chat handoff(String when, String queue, String trigger) {
            return add(when, new EventBody.HandedOff(queue, queue, 50, trigger, "keyword", false));
        }

        Chat transfer(String when, String queue) {
            add(when, new EventBody.AgentLeft("mei", "小美", "transfer"));
            return add(when, new EventBody.HandedOff(queue, queue, 100, "", "transfer", false));
        }

        Chat agentJoins(String when) {
            return add(when, new EventBody.AgentJoined("mei", "小美", "claim"));
        }

        Chat agent(String when, String text) {
            return add(when, new EventBody.AgentSaid("mei", "小美", "a" + (seq + 1), text));
        }

        Chat closed(String when, String by) {
            return add(when, new EventBody.Closed(by, by + "_closed"));
        }

        Chat rated(String when, int score) {
            return add(when, new EventBody.Rated(score, ""));
        }
    }
}
