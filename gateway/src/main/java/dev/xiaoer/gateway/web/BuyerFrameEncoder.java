package dev.xiaoer.gateway.web;

import dev.xiaoer.gateway.chat.BuyerFrame;
import dev.xiaoer.gateway.metrics.Endpoint;
import dev.xiaoer.gateway.metrics.GatewayMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

import java.util.List;

/** Encodes the chat's frames as JSON text frames, on the connection's event loop. */
@ChannelHandler.Sharable
final class BuyerFrameEncoder extends MessageToMessageEncoder<BuyerFrame> {

    /** Most frames are an ack or a short reply; a bigger first buffer would waste memory per frame. */
    private static final int FIRST_BUFFER_BYTES = 256;

    private final GatewayMetrics metrics;

    BuyerFrameEncoder(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, BuyerFrame frame, List<Object> out) throws Exception {
        ByteBuf buf = ctx.alloc().buffer(FIRST_BUFFER_BYTES);
        try {
            FrameCodec.encode(frame, buf);
            out.add(new TextWebSocketFrame(buf));
            metrics.frameSent(Endpoint.BUYER);
            if (frame instanceof BuyerFrame.Error e) {
                metrics.rejected(e.code());
            }
        } catch (Exception e) {
            buf.release();
            throw e;
        }
    }
}
