package dev.xiaoer.gateway.chat;

import java.time.Duration;

/**
 * What the conversations tell the gateway's metrics. Called on the conversations' lanes after the events concerned
 * are stored, so every count matches the stored history; implementations must be quick and never block.
 */
public interface ChatMetrics {

    /** Counts nothing (tests, embedders without metrics). */
    ChatMetrics NONE = new ChatMetrics() {
    };

    /** Who answered a buyer first, for {@link #firstResponse}. */
    enum Responder {
        /** The bot (or the system, when the first message handed the chat to people). */
        BOT,
        /** A person: from the chat's first handoff to the first agent message. */
        HUMAN
    }

    /** How a conversation ended up, counted when it closes. */
    enum Outcome {
        /** The buyer wrote and the chat never went to people: the bot resolved it. */
        BOT,
        /** A person took the chat at some point. */
        HUMAN,
        /** The chat went to a waiting line and closed before any person took it. */
        UNATTENDED,
        /** The buyer never wrote (a widget opened and left). */
        EMPTY
    }

    /** A new conversation was stored. */
    default void conversationStarted() {
    }

    /** The bot decided on a buyer message; {@code band} is the decision's band (answer, suggest, …, handoff). */
    default void decided(String band) {
    }

    /**
     * A chat was put in a waiting line: {@code reason} is {@code keyword}, {@code accepted_offer} or
     * {@code transfer}; {@code trigger} the rule word for {@code keyword}; {@code leaveMessage} when it waits as a
     * message for later.
     */
    default void handedOff(String queue, String trigger, String reason, boolean leaveMessage) {
    }

    /** A supervisor flag was raised by rule {@code rule}. */
    default void flagged(String rule) {
    }

    /** The first answer a buyer got from {@code by}, {@code took} after they asked. */
    default void firstResponse(Responder by, Duration took) {
    }

    /** A conversation closed. */
    default void closed(Outcome outcome) {
    }

    /** A buyer rated a closed chat (1–5). */
    default void rated(int score) {
    }
}
