package dev.mcu.media.h264;

import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;
import dev.mcu.media.rtp.AbstractDepacketizer;

import java.util.Arrays;

/**
 * Reassembles H.264 access units from RTP (RFC 6184, packetization-mode 0 and 1) into Annex B
 * with 4-byte start codes. Accepts single NAL unit packets (types 1-23), STAP-A (24) and FU-A (28);
 * STAP-B, MTAP16/24 and FU-B (interleaved mode) are rejected and counted in
 * {@link #unsupportedPackets()}, and break the frame they belong to.
 *
 * <pre>
 * Single NAL unit packet (RFC 6184 §5.6): the payload is one NAL unit, header byte first.
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |F|NRI|  Type   |                                               |
 * +-+-+-+-+-+-+-+-+                                               |
 * |               Bytes 2..n of a single NAL unit                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * STAP-A and FU-A: see {@link H264Packetizer}.
 * </pre>
 *
 * <p>A frame is a keyframe when it holds an IDR slice (type 5). The latest SPS and PPS seen are
 * remembered, and put in front of an IDR that arrives without them (senders that send parameter
 * sets as their own "frame", or only once), so every keyframe handed out is decodable by itself.
 * A frame holding no slice at all (only SPS/PPS/SEI) is absorbed, not returned.
 *
 * <p>After a gap, a frame is only trusted to be whole if its first NAL is an AUD or SPS, or a slice
 * whose first_mb_in_slice is 0: otherwise its beginning may have been lost.
 *
 * <p>Threads: not thread-safe; one per incoming stream on its decoding thread.
 */
public final class H264Depacketizer extends AbstractDepacketizer {
    private static final int STAP_A_SIZE_FIELD = 2;
    private static final int FU_A_HEADER = 2;

    private boolean fuInProgress;
    private int fuType;
    private int fuNalStart;
    private boolean hasIdr;
    private boolean hasVcl;
    private int nalCount;
    private int audEnd;
    private int spsStart = -1;
    private int spsEnd;
    private int ppsStart = -1;
    private int ppsEnd;

    private byte[] cachedSps;
    private byte[] cachedPps;
    private long unsupportedPackets;

    public H264Depacketizer() {
        super(Codec.H264);
    }

    @Override
    protected void beginFrame() {
        fuInProgress = false;
        hasIdr = false;
        hasVcl = false;
        nalCount = 0;
        audEnd = 0;
        spsStart = -1;
        ppsStart = -1;
    }

    @Override
    protected boolean appendPayload(byte[] buffer, int offset, int length, boolean firstInFrame, boolean startKnown) {
        int end = offset + length;
        int type = H264Nal.type(buffer[offset]);
        boolean checkStart = firstInFrame && !startKnown;
        if (type >= H264Nal.SLICE && type <= H264Nal.MAX_SINGLE) {
            if (fuInProgress || (checkStart && !startsPicture(type, buffer, offset + 1, end))) {
                return false;
            }
            return writeNal(buffer, offset, length);
        }
        switch (type) {
            case H264Nal.STAP_A:
                return appendStapA(buffer, offset, end, checkStart);
            case H264Nal.FU_A:
                return appendFuA(buffer, offset, end, checkStart);
            case H264Nal.STAP_B, H264Nal.MTAP16, H264Nal.MTAP24, H264Nal.FU_B:
                unsupportedPackets++;
                return false;
            default: // 0, 30, 31: undefined
                countMalformed();
                return false;
        }
    }

    private boolean appendStapA(byte[] buffer, int offset, int end, boolean checkStart) {
        if (fuInProgress) {
            return false;
        }
        int at = offset + 1;
        if (at >= end) {
            countMalformed();
            return false;
        }
        boolean firstNal = true;
        while (at < end) {
            if (at + STAP_A_SIZE_FIELD > end) {
                countMalformed();
                return false;
            }
            int size = ((buffer[at] & 0xff) << 8) | (buffer[at + 1] & 0xff);
            at += STAP_A_SIZE_FIELD;
            if (size == 0 || at + size > end) {
                countMalformed();
                return false;
            }
            int type = H264Nal.type(buffer[at]);
            if (type == 0 || type > H264Nal.MAX_SINGLE) {
                countMalformed();
                return false;
            }
            if (firstNal && checkStart && !startsPicture(type, buffer, at + 1, at + size)) {
                return false;
            }
            firstNal = false;
            if (!writeNal(buffer, at, size)) {
                return false;
            }
            at += size;
        }
        return true;
    }

    private boolean appendFuA(byte[] buffer, int offset, int end, boolean checkStart) {
        if (end - offset < FU_A_HEADER) {
            countMalformed();
            return false;
        }
        int indicator = buffer[offset] & 0xff;
        int fuHeader = buffer[offset + 1] & 0xff;
        boolean start = (fuHeader & H264Nal.FU_START) != 0;
        boolean last = (fuHeader & H264Nal.FU_END) != 0;
        int type = H264Nal.type(fuHeader);
        int data = offset + FU_A_HEADER;
        if ((start && last) || type == 0 || type > H264Nal.MAX_SINGLE) {
            countMalformed(); // RFC 6184 §5.8: S and E must not both be set
            return false;
        }
        if (start) {
            if (fuInProgress || (checkStart && !startsPicture(type, buffer, data, end))) {
                return false;
            }
            if (!startNal()) {
                return false;
            }
            fuNalStart = frameLength();
            fuType = type;
            fuInProgress = true;
            if (!appendByte((indicator & (H264Nal.F_BIT | H264Nal.NRI_MASK)) | type)) {
                return false;
            }
        } else if (!fuInProgress || type != fuType) {
            return false; // the start fragment was lost (or belongs to another NAL)
        }
        if (!append(buffer, data, end - data)) {
            return false;
        }
        if (last) {
            fuInProgress = false;
            nalEnded(fuType, fuNalStart, frameLength());
        }
        return true;
    }

    private static boolean startsPicture(int type, byte[] buffer, int afterHeader, int end) {
        if (type == H264Nal.AUD || type == H264Nal.SPS) {
            return true;
        }
        return H264Nal.isVcl(type) && afterHeader < end && H264Nal.sliceStartsPicture(buffer[afterHeader]);
    }

    private boolean writeNal(byte[] buffer, int offset, int length) {
        if (!startNal()) {
            return false;
        }
        int start = frameLength();
        if (!append(buffer, offset, length)) {
            return false;
        }
        nalEnded(H264Nal.type(buffer[offset]), start, frameLength());
        return true;
    }

    private boolean startNal() {
        return appendByte(0) && appendByte(0) && appendByte(0) && appendByte(1);
    }

    private void nalEnded(int type, int start, int end) {
        if (nalCount == 0 && type == H264Nal.AUD) {
            audEnd = end;
        }
        nalCount++;
        hasVcl |= H264Nal.isVcl(type);
        if (type == H264Nal.IDR) {
            hasIdr = true;
        } else if (type == H264Nal.SPS) {
            spsStart = start;
            spsEnd = end;
        } else if (type == H264Nal.PPS) {
            ppsStart = start;
            ppsEnd = end;
        }
    }

    @Override
    protected boolean frameComplete() {
        return !fuInProgress && nalCount > 0;
    }

    @Override
    protected EncodedFrame buildFrame(long rtpTimestamp) {
        byte[] frame = frameBuffer();
        int length = frameLength();
        if (spsStart >= 0) {
            cachedSps = remember(cachedSps, frame, spsStart, spsEnd);
        }
        if (ppsStart >= 0) {
            cachedPps = remember(cachedPps, frame, ppsStart, ppsEnd);
        }
        if (!hasVcl) {
            return null;
        }
        boolean addSps = hasIdr && spsStart < 0 && cachedSps != null;
        boolean addPps = hasIdr && ppsStart < 0 && cachedPps != null;
        if (!addSps && !addPps) {
            return new EncodedFrame(Codec.H264, Arrays.copyOf(frame, length), rtpTimestamp, hasIdr);
        }
        int size = length + (addSps ? AnnexB.START_CODE_LENGTH + cachedSps.length : 0)
                + (addPps ? AnnexB.START_CODE_LENGTH + cachedPps.length : 0);
        byte[] out = new byte[size];
        System.arraycopy(frame, 0, out, 0, audEnd); // an AUD must stay first
        int at = audEnd;
        if (addSps) {
            at = AnnexB.writeStartCode(out, at);
            System.arraycopy(cachedSps, 0, out, at, cachedSps.length);
            at += cachedSps.length;
        }
        if (addPps) {
            at = AnnexB.writeStartCode(out, at);
            System.arraycopy(cachedPps, 0, out, at, cachedPps.length);
            at += cachedPps.length;
        }
        System.arraycopy(frame, audEnd, out, at, length - audEnd);
        return new EncodedFrame(Codec.H264, out, rtpTimestamp, true);
    }

    private static byte[] remember(byte[] cached, byte[] frame, int start, int end) {
        if (cached != null && Arrays.equals(cached, 0, cached.length, frame, start, end)) {
            return cached;
        }
        return Arrays.copyOfRange(frame, start, end);
    }

    @Override
    public void reset() {
        super.reset();
        cachedSps = null;
        cachedPps = null;
    }

    /** STAP-B, MTAP16, MTAP24 and FU-B packets (interleaved mode), which are not supported. */
    public long unsupportedPackets() {
        return unsupportedPackets;
    }
}
