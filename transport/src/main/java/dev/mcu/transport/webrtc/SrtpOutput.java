package dev.mcu.transport.webrtc;

import dev.mcu.media.rtp.AbsSendTime;
import dev.mcu.transport.BatchedWrites;
import dev.mcu.transport.PacketOutput;
import dev.mcu.webrtc.PacketBuffer;
import dev.mcu.webrtc.SrtpContext;
import dev.mcu.webrtc.SrtpSession;
import dev.mcu.webrtc.SrtpStatus;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * SRTP out of the shared port for one WebRTC transport (both media kinds, BUNDLE): copies the shared
 * packet once, rewriting payload type, SSRC and sequence number and adding abs-send-time in that copy, protects it with the session's outbound context and sends
 * it, in its event loop's next batch ({@link BatchedWrites}: every WebRTC receiver of a round in
 * one flush of the shared port). Nothing leaves before the DTLS handshake produced keys. Thread-safe: the outbound context is
 * used under a lock, because RTP comes from the room's media clock and RTCP and retransmissions
 * from the event loop. Borrows the channel.
 */
final class SrtpOutput implements PacketOutput {
    private final Channel channel;
    private final Supplier<SrtpSession> session;
    private final Object outboundLock = new Object();
    /**
     * The last RTP packet protected, by SSRC and sequence number. Re-protecting the same packet gives
     * the same bytes, but Java's GCM refuses to reuse the IV of the call just before, which is
     * exactly what a NACK for the newest packet asks for: that one is resent as it was.
     */
    private PacketBuffer lastProtected;       // guarded by outboundLock; never modified once stored
    private long lastProtectedKey = -1;      // guarded by outboundLock

    SrtpOutput(Channel channel, Supplier<SrtpSession> session) {
        this.channel = channel;
        this.session = session;
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

    @Override
    public void sendRtp(byte[] packet, int payloadType, long ssrc, int sequenceNumber, int absSendTimeId,
                        int absSendTime, InetSocketAddress target) {
        SrtpSession keys = session.get();
        if (keys == null || packet.length < 12) {
            return;
        }
        byte[] bytes = new byte[packet.length + AbsSendTime.MAX_ADDED_BYTES + SrtpContext.MAX_TRAILER];
        PacketBuffer buffer = new PacketBuffer(bytes, 0, PacketOutput.copyForSending(packet, payloadType, ssrc,
                sequenceNumber, absSendTimeId, absSendTime, bytes));
        long packetKey = (readUint32(bytes, 8) << 16) | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff);
        PacketBuffer protectedPacket;
        synchronized (outboundLock) {
            if (packetKey == lastProtectedKey && lastProtected != null) {
                protectedPacket = lastProtected; // a NACK for the packet just sent
            } else if (keys.outbound().protectRtp(buffer) == SrtpStatus.OK) {
                protectedPacket = buffer;
                lastProtected = buffer;
                lastProtectedKey = packetKey;
            } else {
                protectedPacket = null;
            }
        }
        if (protectedPacket != null) {
            write(protectedPacket, target);
        }
    }

    private static long readUint32(byte[] b, int at) {
        return ((long) (b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    @Override
    public void sendRtcp(byte[] compound, InetSocketAddress target, boolean muxed) {
        SrtpSession keys = session.get();
        if (keys == null) {
            return;
        }
        PacketBuffer buffer = copyWithRoom(compound);
        SrtpStatus status;
        synchronized (outboundLock) {
            status = keys.outbound().protectRtcp(buffer);
        }
        if (status == SrtpStatus.OK) {
            write(buffer, target);
        }
    }

    private static PacketBuffer copyWithRoom(byte[] packet) {
        byte[] bytes = new byte[packet.length + SrtpContext.MAX_TRAILER];
        System.arraycopy(packet, 0, bytes, 0, packet.length);
        return new PacketBuffer(bytes, 0, packet.length);
    }

    private void write(PacketBuffer buffer, InetSocketAddress target) {
        BatchedWrites.write(channel, new DatagramPacket(
                Unpooled.wrappedBuffer(buffer.array(), buffer.offset(), buffer.length()), target));
    }
}
