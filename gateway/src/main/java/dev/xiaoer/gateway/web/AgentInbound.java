package dev.xiaoer.gateway.web;

import dev.xiaoer.gateway.queue.AgentErrorCode;
import dev.xiaoer.gateway.queue.AgentStatus;

/** One decoded agent console frame: a command, or why it could not be read. */
sealed interface AgentInbound {

    /** Log in with the agent's id and secret, starting {@code status} (null: the default). */
    record Login(String agentId, String secret, AgentStatus status) implements AgentInbound {
        @Override
        public String toString() {
            return "Login[" + agentId + "]"; // never the secret, wherever this ends up
        }
    }

    /** Log in again with the token of an earlier login (a console reconnecting). */
    record TokenLogin(String token, AgentStatus status) implements AgentInbound {
        @Override
        public String toString() {
            return "TokenLogin";
        }
    }

    record Claim(String conversationId) implements AgentInbound {
    }

    record Say(String conversationId, String id, String text) implements AgentInbound {
    }

    record Typing(String conversationId, boolean active) implements AgentInbound {
    }

    /** Send a chat to another queue's line ({@code queue}) or straight to another agent ({@code agentId}). */
    record Transfer(String conversationId, String queue, String agentId) implements AgentInbound {
    }

    record Close(String conversationId) implements AgentInbound {
    }

    record Status(AgentStatus status) implements AgentInbound {
    }

    record Logout() implements AgentInbound {
    }

    record Ping() implements AgentInbound {
    }

    /** The frame was refused; {@code conversationId} and {@code id} are given back when they could be read. */
    record Invalid(AgentErrorCode code, String message, String conversationId, String id) implements AgentInbound {
    }
}
