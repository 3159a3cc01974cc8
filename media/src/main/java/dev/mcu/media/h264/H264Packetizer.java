package dev.mcu.media.h264;

import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;
import dev.mcu.media.rtp.Packetizer;
import dev.mcu.media.rtp.RtpPacket;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Packetizes H.264 access units (Annex B) per RFC 6184.
 *
 * <p>packetization-mode=1 (non-interleaved): a NAL that fits goes alone in a single NAL unit
 * packet; with aggregation on, consecutive small NALs (typically SPS + PPS + a small slice) share
 * one STAP-A; a NAL too big for one packet is split into FU-A fragments.
 *
 * <p>packetization-mode=0: single NAL unit packets only. A NAL that does not fit is dropped and
 * counted ({@link #droppedOversizedNals()}): the encoder serving mode-0 receivers must be told to
 * cap its slice size below the packet size (e.g. openh264 {@code slice_mode}/max NAL size), since
 * RTP offers no way to split a NAL in this mode.
 *
 * <pre>
 * STAP-A (RFC 6184 §5.7.1):
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          RTP Header                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |STAP-A NAL HDR |         NALU 1 Size           | NALU 1 HDR    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         NALU 1 Data                           |
 * :                                                               :
 * +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               | NALU 2 Size                   | NALU 2 HDR    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         NALU 2 Data                           |
 * :                                                               :
 * |                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               :...OPTIONAL RTP padding        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * FU-A (RFC 6184 §5.8):
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | FU indicator  |   FU header   |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               |
 * |                         FU payload                            |
 * |                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               :...OPTIONAL RTP padding        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  FU indicator: |F|NRI|Type=28|     FU header: |S|E|R|Type|
 * The NAL header itself is not sent: F and NRI travel in the indicator, Type in the FU header.
 * </pre>
 *
 * <p>Threads: not thread-safe; one per outgoing stream on the encoding thread.
 */
public final class H264Packetizer implements Packetizer {
    private static final int HEADER = RtpPacket.FIXED_HEADER_SIZE;
    private static final int STAP_A_HEADER = 1;
    private static final int STAP_A_SIZE_FIELD = 2;
    private static final int FU_A_HEADER = 2;
    private static final int MARKER_BIT = 0x80;

    private final int packetizationMode;
    private final int payloadType;
    private final long ssrc;
    private final int maxPayload;
    private final boolean aggregate;
    private int sequenceNumber;
    private long droppedOversizedNals;

    /**
     * @param packetizationMode 0 (single NAL only) or 1 (non-interleaved)
     * @param maxPacketSize     largest packet, RTP header included
     * @param aggregate         use STAP-A for small NALs (mode 1 only)
     */
    public H264Packetizer(int packetizationMode, int payloadType, long ssrc, int maxPacketSize, boolean aggregate,
                          int initialSequenceNumber) {
        if (packetizationMode != 0 && packetizationMode != 1) {
            throw new IllegalArgumentException("packetization-mode must be 0 or 1: " + packetizationMode);
        }
        if (maxPacketSize < HEADER + FU_A_HEADER + 1 || maxPacketSize > 65_507) {
            throw new IllegalArgumentException("maxPacketSize out of range: " + maxPacketSize);
        }
        this.packetizationMode = packetizationMode;
        this.payloadType = payloadType;
        this.ssrc = ssrc;
        this.maxPayload = maxPacketSize - HEADER;
        this.aggregate = aggregate && packetizationMode == 1;
        this.sequenceNumber = initialSequenceNumber & 0xffff;
    }

    /** Default packet size, STAP-A in mode 1, random first sequence number. */
    public H264Packetizer(int packetizationMode, int payloadType, long ssrc) {
        this(packetizationMode, payloadType, ssrc, DEFAULT_MAX_PACKET_SIZE, true,
                ThreadLocalRandom.current().nextInt(1 << 16));
    }

    @Override
    public List<byte[]> packetize(EncodedFrame frame) {
        if (frame.codec() != Codec.H264) {
            throw new IllegalArgumentException("not an H.264 frame: " + frame.codec());
        }
        byte[] data = frame.data();
        long timestamp = frame.rtpTimestamp();
        List<AnnexB.NalUnit> nals = AnnexB.split(data);
        List<byte[]> packets = new ArrayList<>(nals.size() + data.length / (maxPayload - FU_A_HEADER) + 1);
        int i = 0;
        while (i < nals.size()) {
            AnnexB.NalUnit nal = nals.get(i);
            if (nal.length() > maxPayload) {
                if (packetizationMode == 1) {
                    addFragments(packets, nal, timestamp);
                } else {
                    droppedOversizedNals++;
                }
                i++;
                continue;
            }
            int end = aggregate ? aggregationEnd(nals, i) : i;
            if (end - i >= 2) {
                packets.add(stapA(nals, i, end, timestamp));
                i = end;
            } else {
                packets.add(single(nal, timestamp));
                i++;
            }
        }
        if (!packets.isEmpty()) {
            packets.get(packets.size() - 1)[1] |= (byte) MARKER_BIT;
        }
        return packets;
    }

    /** Index after the longest run of NALs from {@code first} that fits one STAP-A. */
    private int aggregationEnd(List<AnnexB.NalUnit> nals, int first) {
        int size = STAP_A_HEADER;
        int end = first;
        while (end < nals.size() && size + STAP_A_SIZE_FIELD + nals.get(end).length() <= maxPayload) {
            size += STAP_A_SIZE_FIELD + nals.get(end).length();
            end++;
        }
        return end;
    }

    private byte[] single(AnnexB.NalUnit nal, long timestamp) {
        byte[] packet = newPacket(nal.length(), timestamp);
        System.arraycopy(nal.buffer(), nal.offset(), packet, HEADER, nal.length());
        return packet;
    }

    private byte[] stapA(List<AnnexB.NalUnit> nals, int first, int end, long timestamp) {
        int payload = STAP_A_HEADER;
        int forbidden = 0;
        int nri = 0;
        for (int i = first; i < end; i++) {
            AnnexB.NalUnit nal = nals.get(i);
            payload += STAP_A_SIZE_FIELD + nal.length();
            forbidden |= nal.header() & H264Nal.F_BIT;
            nri = Math.max(nri, nal.header() & H264Nal.NRI_MASK); // RFC 6184 §5.7: the highest NRI
        }
        byte[] packet = newPacket(payload, timestamp);
        int at = HEADER;
        packet[at++] = (byte) (forbidden | nri | H264Nal.STAP_A);
        for (int i = first; i < end; i++) {
            AnnexB.NalUnit nal = nals.get(i);
            packet[at++] = (byte) (nal.length() >>> 8);
            packet[at++] = (byte) nal.length();
            System.arraycopy(nal.buffer(), nal.offset(), packet, at, nal.length());
            at += nal.length();
        }
        return packet;
    }

    /** FU-A fragments of nearly equal size, so no tiny last packet. */
    private void addFragments(List<byte[]> packets, AnnexB.NalUnit nal, long timestamp) {
        int header = nal.header();
        int indicator = (header & (H264Nal.F_BIT | H264Nal.NRI_MASK)) | H264Nal.FU_A;
        int type = H264Nal.type(header);
        int remaining = nal.length() - 1;
        int at = nal.offset() + 1;
        int capacity = maxPayload - FU_A_HEADER;
        int count = (remaining + capacity - 1) / capacity;
        int base = remaining / count;
        int extra = remaining % count;
        for (int k = 0; k < count; k++) {
            int size = base + (k < extra ? 1 : 0);
            byte[] packet = newPacket(FU_A_HEADER + size, timestamp);
            packet[HEADER] = (byte) indicator;
            packet[HEADER + 1] = (byte) ((k == 0 ? H264Nal.FU_START : 0) | (k == count - 1 ? H264Nal.FU_END : 0) | type);
            System.arraycopy(nal.buffer(), at, packet, HEADER + FU_A_HEADER, size);
            at += size;
            packets.add(packet);
        }
    }

    private byte[] newPacket(int payloadLength, long timestamp) {
        byte[] packet = new byte[HEADER + payloadLength];
        RtpPacket.writeHeader(packet, 0, payloadType, false, sequenceNumber, timestamp, ssrc);
        sequenceNumber = (sequenceNumber + 1) & 0xffff;
        return packet;
    }

    /** The sequence number the next packet will carry. */
    public int nextSequenceNumber() {
        return sequenceNumber;
    }

    /** Mode 0 only: NALs too big for one packet, not sent. */
    public long droppedOversizedNals() {
        return droppedOversizedNals;
    }
}
