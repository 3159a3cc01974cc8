package dev.mcu.transport;

import dev.mcu.webrtc.PacketBuffer;
import dev.mcu.webrtc.SrtpContext;
import dev.mcu.webrtc.SrtpStatus;
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

    private static final int RTCP_PT_MIN = 64;
    private static final int RTCP_PT_MAX = 95;

    private final boolean rtcpPort;
    private volatile MediaEndpoint endpoint;
    private volatile SrtpContext srtp;   // the remote's SDES key, or null for plain RTP; used on the event loop only

    DatagramReceiver(boolean rtcpPort) {
        this.rtcpPort = rtcpPort;
    }

    /**
     * From now on every datagram must be SRTP/SRTCP under this context (the remote's SDES key); one
     * that does not authenticate is dropped and counted. The RTP and RTCP sockets of a kind share one
     * context: both run on the same event loop.
     */
    void unprotectWith(SrtpContext context) {
        srtp = context;
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
        if (target == null) {
            return;
        }
        SrtpContext context = srtp;
        if (context != null) {
            data = unprotect(context, data);
            if (data == null) {
                target.counters().drop(ReceiveDrop.SRTP);
                return;
            }
        }
        target.onDatagram(data, sender, rtcpPort, System.nanoTime());
    }

    private byte[] unprotect(SrtpContext context, byte[] data) {
        if (data.length < 12) {
            return null;
        }
        int type = data[1] & 0x7f;
        boolean rtcp = rtcpPort || (type >= RTCP_PT_MIN && type <= RTCP_PT_MAX);
        PacketBuffer packet = new PacketBuffer(data, 0, data.length);
        SrtpStatus status = rtcp ? context.unprotectRtcp(packet) : context.unprotectRtp(packet);
        return status == SrtpStatus.OK ? packet.toByteArray() : null;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // ICMP errors and listener failures: per packet, so debug only; the channel stays open
        log.debug("{} on {}", cause.toString(), ctx.channel().localAddress());
    }
}
