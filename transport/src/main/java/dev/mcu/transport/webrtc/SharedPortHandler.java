package dev.mcu.transport.webrtc;

import dev.mcu.transport.Datagrams;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;

/**
 * The only handler of the shared WebRTC socket: copies each datagram into its own array, releases
 * the ByteBuf at once and hands the array to the demultiplexer. Runs on the socket's event loop.
 */
final class SharedPortHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(SharedPortHandler.class);

    private final SharedPortDemux demux;

    SharedPortHandler(SharedPortDemux demux) {
        this.demux = demux;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        InetSocketAddress sender = msg instanceof DatagramPacket datagram ? datagram.sender() : null;
        byte[] data = Datagrams.copyAndRelease(msg);
        if (data != null) {
            demux.onDatagram(data, sender, System.nanoTime());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // ICMP errors and listener failures: per packet, so debug only; the channel stays open
        log.debug("{} on {}", cause.toString(), ctx.channel().localAddress());
    }
}
