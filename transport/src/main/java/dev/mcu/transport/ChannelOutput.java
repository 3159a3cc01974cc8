package dev.mcu.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetSocketAddress;

/**
 * Plain RTP and RTCP on a call's own sockets: RTP (and muxed RTCP) on the RTP channel, RTCP on the
 * RTCP channel otherwise. Thread-safe (Netty channels take writes from any thread). Borrows the
 * channels: {@link UdpMediaTransport} owns and closes them.
 */
final class ChannelOutput implements PacketOutput {
    private static final int PAYLOAD_TYPE_MASK = 0x7f;
    private static final int MARKER_BIT = 0x80;

    private final Channel rtpChannel;
    private final Channel rtcpChannel;

    ChannelOutput(Channel rtpChannel, Channel rtcpChannel) {
        this.rtpChannel = rtpChannel;
        this.rtcpChannel = rtcpChannel;
    }

    /** Copies the shared packet into a pooled buffer with the remote's payload type; Netty releases it. */
    @Override
    public void sendRtp(byte[] packet, int payloadType, long ssrc, InetSocketAddress target) {
        ByteBuf buf = rtpChannel.alloc().directBuffer(packet.length);
        buf.writeBytes(packet);
        buf.setByte(1, (packet[1] & MARKER_BIT) | (payloadType & PAYLOAD_TYPE_MASK));
        if (ssrc >= 0) {
            buf.setInt(8, (int) ssrc);
        }
        rtpChannel.writeAndFlush(new DatagramPacket(buf, target), rtpChannel.voidPromise());
    }

    @Override
    public void sendRtcp(byte[] compound, InetSocketAddress target, boolean muxed) {
        Channel channel = muxed ? rtpChannel : rtcpChannel;
        channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(compound), target), channel.voidPromise());
    }
}
