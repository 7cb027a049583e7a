package dev.xiaoer.gateway.web;

import dev.xiaoer.gateway.chat.BuyerFrame;
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

    @Override
    protected void encode(ChannelHandlerContext ctx, BuyerFrame frame, List<Object> out) throws Exception {
        ByteBuf buf = ctx.alloc().buffer(FIRST_BUFFER_BYTES);
        try {
            FrameCodec.encode(frame, buf);
            out.add(new TextWebSocketFrame(buf));
        } catch (Exception e) {
            buf.release();
            throw e;
        }
    }
}
