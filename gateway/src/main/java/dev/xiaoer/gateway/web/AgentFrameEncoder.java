package dev.xiaoer.gateway.web;

import dev.xiaoer.gateway.queue.AgentFrame;
import dev.xiaoer.gateway.metrics.Endpoint;
import dev.xiaoer.gateway.metrics.GatewayMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

import java.util.List;

/** Encodes the agent frames as JSON text frames, on the connection's event loop. */
@ChannelHandler.Sharable
final class AgentFrameEncoder extends MessageToMessageEncoder<AgentFrame> {

    /** An assignment carries a whole transcript; most frames are small. */
    private static final int FIRST_BUFFER_BYTES = 512;

    private final GatewayMetrics metrics;

    AgentFrameEncoder(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, AgentFrame frame, List<Object> out) throws Exception {
        ByteBuf buf = ctx.alloc().buffer(FIRST_BUFFER_BYTES);
        try {
            AgentFrameCodec.encode(frame, buf);
            out.add(new TextWebSocketFrame(buf));
            metrics.frameSent(Endpoint.AGENT);
            if (frame instanceof AgentFrame.Error e) {
                metrics.rejected(e.code());
            }
        } catch (Exception e) {
            buf.release();
            throw e;
        }
    }
}
