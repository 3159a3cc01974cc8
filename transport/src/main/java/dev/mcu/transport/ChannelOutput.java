package dev.mcu.transport;

import dev.mcu.media.rtp.AbsSendTime;
import dev.mcu.webrtc.PacketBuffer;
import dev.mcu.webrtc.SrtpContext;
import dev.mcu.webrtc.SrtpStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetSocketAddress;

/**
 * RTP and RTCP on a call's own sockets: RTP (and muxed RTCP) on the RTP channel, RTCP on the
 * RTCP channel otherwise; in the clear, or SRTP once SDES keys are set ({@link #protectWith}).
 * Thread-safe: writes from any thread go through {@link BatchedWrites} (one event-loop task per
 * round of a room, not one per packet), and the SRTP context is used under a lock (RTP comes from
 * the room's threads, RTCP and retransmissions from the event loop). Borrows the
 * channels: {@link UdpMediaTransport} owns and closes them.
 */
final class ChannelOutput implements PacketOutput {
    private static final int PAYLOAD_TYPE_MASK = 0x7f;
    private static final int MARKER_BIT = 0x80;

    private final Channel rtpChannel;
    private final Channel rtcpChannel;
    private final Object srtpLock = new Object();
    private volatile SrtpContext srtp;   // null: plain RTP; used only under srtpLock

    ChannelOutput(Channel rtpChannel, Channel rtcpChannel) {
        this.rtpChannel = rtpChannel;
        this.rtcpChannel = rtcpChannel;
    }

    /** From now on every packet leaves as SRTP/SRTCP under this context (our SDES key). */
    void protectWith(SrtpContext context) {
        srtp = context;
    }

    @Override
    public void sendRtp(byte[] packet, int payloadType, long ssrc, InetSocketAddress target) {
        if (packet.length >= 12) {
            sendRtp(packet, payloadType, ssrc, ((packet[2] & 0xff) << 8) | (packet[3] & 0xff), target);
        }
    }

    @Override
    public void sendRtp(byte[] packet, int payloadType, long ssrc, int sequenceNumber, InetSocketAddress target) {
        sendRtp(packet, payloadType, ssrc, sequenceNumber, NO_ABS_SEND_TIME, 0, target);
    }

    /**
     * Copies the shared packet once, with the remote's payload type, SSRC, sequence number and
     * abs-send-time written into that copy (a pooled buffer when nothing grows the packet); Netty
     * releases it.
     */
    @Override
    public void sendRtp(byte[] packet, int payloadType, long ssrc, int sequenceNumber, int absSendTimeId,
                        int absSendTime, InetSocketAddress target) {
        if (packet.length < 12) {
            return;
        }
        SrtpContext context = srtp;
        if (context == null && absSendTimeId == NO_ABS_SEND_TIME) {
            ByteBuf buf = rtpChannel.alloc().directBuffer(packet.length);
            buf.writeBytes(packet);
            buf.setByte(1, (packet[1] & MARKER_BIT) | (payloadType & PAYLOAD_TYPE_MASK));
            buf.setShort(2, sequenceNumber);
            if (ssrc >= 0) {
                buf.setInt(8, (int) ssrc);
            }
            BatchedWrites.write(rtpChannel, new DatagramPacket(buf, target));
            return;
        }
        byte[] bytes = new byte[packet.length + AbsSendTime.MAX_ADDED_BYTES + (context == null ? 0 : SrtpContext.MAX_TRAILER)];
        int length = PacketOutput.copyForSending(packet, payloadType, ssrc, sequenceNumber, absSendTimeId, absSendTime,
                bytes);
        if (context == null) {
            BatchedWrites.write(rtpChannel, new DatagramPacket(Unpooled.wrappedBuffer(bytes, 0, length), target));
            return;
        }
        PacketBuffer buffer = new PacketBuffer(bytes, 0, length);
        SrtpStatus status;
        synchronized (srtpLock) {
            status = context.protectRtp(buffer);
        }
        if (status == SrtpStatus.OK) {
            write(rtpChannel, buffer, target);
        }
    }

    @Override
    public void sendRtcp(byte[] compound, InetSocketAddress target, boolean muxed) {
        Channel channel = muxed ? rtpChannel : rtcpChannel;
        SrtpContext context = srtp;
        if (context == null) {
            BatchedWrites.write(channel, new DatagramPacket(Unpooled.wrappedBuffer(compound), target));
            return;
        }
        PacketBuffer buffer = withTrailerRoom(compound);
        SrtpStatus status;
        synchronized (srtpLock) {
            status = context.protectRtcp(buffer);
        }
        if (status == SrtpStatus.OK) {
            write(channel, buffer, target);
        }
    }

    private static PacketBuffer withTrailerRoom(byte[] packet) {
        byte[] bytes = new byte[packet.length + SrtpContext.MAX_TRAILER];
        System.arraycopy(packet, 0, bytes, 0, packet.length);
        return new PacketBuffer(bytes, 0, packet.length);
    }

    private static void write(Channel channel, PacketBuffer buffer, InetSocketAddress target) {
        BatchedWrites.write(channel, new DatagramPacket(Unpooled.wrappedBuffer(buffer.array(), buffer.offset(),
                buffer.length()), target));
    }
}
