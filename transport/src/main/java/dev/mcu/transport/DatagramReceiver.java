package dev.mcu.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only handler of an RTP or RTCP socket: copies each datagram into its own array, releases the
 * ByteBuf at once (the array then travels up without reference counting) and hands it to the
 * stream. Runs on the channel's event loop; one instance per channel.
 */
final class DatagramReceiver extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(DatagramReceiver.class);

    private final boolean rtcpPort;
    private volatile MediaEndpoint endpoint;

    DatagramReceiver(boolean rtcpPort) {
        this.rtcpPort = rtcpPort;
    }

    /** Set once the stream exists (the stream needs the bound channel first). */
    void attach(MediaEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        java.net.InetSocketAddress sender = msg instanceof DatagramPacket datagram ? datagram.sender() : null;
        byte[] data = Datagrams.copyAndRelease(msg);
        if (data == null) {
            return;
        }
        MediaEndpoint target = endpoint;
        if (target != null) {
            target.onDatagram(data, sender, rtcpPort, System.nanoTime());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // ICMP errors and listener failures: per packet, so debug only; the channel stays open
        log.debug("{} on {}", cause.toString(), ctx.channel().localAddress());
    }
}
