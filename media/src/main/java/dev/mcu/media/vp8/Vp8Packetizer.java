package dev.mcu.media.vp8;

import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;
import dev.mcu.media.rtp.Packetizer;
import dev.mcu.media.rtp.RtpPacket;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Packetizes VP8 frames per RFC 7741. The frame is cut into nearly equal pieces, each behind the
 * 4-byte descriptor of {@link Vp8Descriptor#write}: X=1, I=1 with a 15-bit picture id that grows
 * by one per frame, PID=0 throughout (the frame is not split at partition boundaries, which the
 * RFC allows), and S=1 on the first packet only.
 *
 * <p>Threads: not thread-safe; one per outgoing stream on the encoding thread.
 */
public final class Vp8Packetizer implements Packetizer {
    private static final int HEADER = RtpPacket.FIXED_HEADER_SIZE;
    private static final int MARKER_BIT = 0x80;

    private final int payloadType;
    private final long ssrc;
    private final int maxChunk;
    private int sequenceNumber;
    private int pictureId;

    public Vp8Packetizer(int payloadType, long ssrc, int maxPacketSize, int initialSequenceNumber,
                         int initialPictureId) {
        if (maxPacketSize < HEADER + Vp8Descriptor.WRITTEN_SIZE + 1 || maxPacketSize > 65_507) {
            throw new IllegalArgumentException("maxPacketSize out of range: " + maxPacketSize);
        }
        this.payloadType = payloadType;
        this.ssrc = ssrc;
        this.maxChunk = maxPacketSize - HEADER - Vp8Descriptor.WRITTEN_SIZE;
        this.sequenceNumber = initialSequenceNumber & 0xffff;
        this.pictureId = initialPictureId & Vp8Descriptor.PICTURE_ID_MASK_15;
    }

    /** Default packet size, random first sequence number and picture id. */
    public Vp8Packetizer(int payloadType, long ssrc) {
        this(payloadType, ssrc, DEFAULT_MAX_PACKET_SIZE, ThreadLocalRandom.current().nextInt(1 << 16),
                ThreadLocalRandom.current().nextInt(1 << 15));
    }

    @Override
    public List<byte[]> packetize(EncodedFrame frame) {
        if (frame.codec() != Codec.VP8) {
            throw new IllegalArgumentException("not a VP8 frame: " + frame.codec());
        }
        byte[] data = frame.data();
        if (data.length == 0) {
            return List.of();
        }
        int count = (data.length + maxChunk - 1) / maxChunk;
        int base = data.length / count;
        int extra = data.length % count;
        List<byte[]> packets = new ArrayList<>(count);
        int at = 0;
        for (int k = 0; k < count; k++) {
            int size = base + (k < extra ? 1 : 0);
            byte[] packet = new byte[HEADER + Vp8Descriptor.WRITTEN_SIZE + size];
            RtpPacket.writeHeader(packet, 0, payloadType, k == count - 1, sequenceNumber, frame.rtpTimestamp(), ssrc);
            int payload = Vp8Descriptor.write(packet, HEADER, k == 0, pictureId);
            System.arraycopy(data, at, packet, payload, size);
            at += size;
            sequenceNumber = (sequenceNumber + 1) & 0xffff;
            packets.add(packet);
        }
        pictureId = (pictureId + 1) & Vp8Descriptor.PICTURE_ID_MASK_15;
        return packets;
    }

    /** The sequence number the next packet will carry. */
    public int nextSequenceNumber() {
        return sequenceNumber;
    }

    /** The picture id the next frame will carry. */
    public int nextPictureId() {
        return pictureId;
    }
}
