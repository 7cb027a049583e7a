package dev.xiaoer.gateway.store;

import dev.xiaoer.gateway.event.ConversationEvent;
import dev.xiaoer.gateway.event.ConversationState;
import dev.xiaoer.gateway.event.EventBody;

/**
 * The columns of a {@code conversations} row that follow from its events, and how each event moves them. The
 * writer and the schema migrations both fold events through {@link #after}, so the row can always be rebuilt from
 * the events and never says something they do not. Times are epoch milliseconds; null means "none".
 */
record ConversationRow(ConversationState state, long lastSeq, long updatedAt, Long closedAt, String queue,
                       String agentId, Long waitingSince) {

    /** The row of a conversation that was just opened. */
    static ConversationRow opened(long createdAt) {
        return new ConversationRow(ConversationState.BOT, 0, createdAt, null, null, null, null);
    }

    /** The row once {@code event} has happened. */
    ConversationRow after(ConversationEvent event) {
        EventBody body = event.body();
        long at = event.at().toEpochMilli();
        ConversationState next = body.leadsTo().orElse(state);

        String nextQueue = queue;
        String nextAgent = agentId;
        if (body instanceof EventBody.HandedOff handoff) {
            nextQueue = handoff.queue();
            nextAgent = null;
        } else if (body instanceof EventBody.AgentJoined joined) {
            nextAgent = joined.agentId();
        } else if (body instanceof EventBody.AgentLeft) {
            nextAgent = null;
        }

        Long nextClosedAt;
        if (next != ConversationState.CLOSED) {
            nextClosedAt = null;
        } else {
            nextClosedAt = state == ConversationState.CLOSED ? closedAt : Long.valueOf(at);
        }
        // A transfer between queues while waiting keeps the buyer's original place in time.
        Long nextWaitingSince;
        if (next != ConversationState.WAITING) {
            nextWaitingSince = null;
        } else {
            nextWaitingSince = state == ConversationState.WAITING ? waitingSince : Long.valueOf(at);
        }
        return new ConversationRow(next, event.seq(), Math.max(updatedAt, at), nextClosedAt, nextQueue, nextAgent,
                nextWaitingSince);
    }
}
