package dev.xiaoer.gateway.web;

import dev.xiaoer.gateway.chat.BuyerMessage;
import dev.xiaoer.gateway.chat.ErrorCode;
import dev.xiaoer.gateway.chat.Hello;

/** One decoded client frame: a command for the chat, or why it could not be read. */
sealed interface Inbound {

    record HelloFrame(Hello hello) implements Inbound {
    }

    record MessageFrame(BuyerMessage message) implements Inbound {
    }

    /** The client has every frame up to {@code seq}. */
    record AckFrame(long seq) implements Inbound {
    }

    record PingFrame() implements Inbound {
    }

    /** The buyer started or stopped typing. */
    record TypingFrame(boolean active) implements Inbound {
    }

    /** The buyer ends the chat. */
    record CloseFrame() implements Inbound {
    }

    /** The buyer rates the closed chat: 1–5, with a comment (empty when none). */
    record RateFrame(int score, String comment) implements Inbound {
    }

    /** The frame was refused; {@code id} is the message id when one could be read. */
    record Invalid(ErrorCode code, String message, String id) implements Inbound {
    }
}
