package dev.mcu.media.h264;

import java.util.ArrayList;
import java.util.List;

/**
 * H.264 Annex B byte streams: NAL units each behind a start code, 00 00 01 or 00 00 00 01.
 * Splitting finds both; joining writes 4-byte start codes.
 *
 * <p>Stateless and thread-safe.
 */
public final class AnnexB {
    public static final int START_CODE_LENGTH = 4;

    private AnnexB() {
    }

    /** One NAL unit inside a larger array, header byte first, start code and trailing zeros excluded. */
    public record NalUnit(byte[] buffer, int offset, int length) {
        public int header() {
            return buffer[offset] & 0xff;
        }

        public int type() {
            return H264Nal.type(header());
        }

        public byte[] toByteArray() {
            byte[] copy = new byte[length];
            System.arraycopy(buffer, offset, copy, 0, length);
            return copy;
        }
    }

    public static List<NalUnit> split(byte[] stream) {
        return split(stream, 0, stream.length);
    }

    /**
     * The NAL units of {@code stream[offset, offset+length)} in order, as views into the array.
     * Bytes before the first start code are ignored; empty NAL units are skipped; trailing zero
     * bytes (a NAL never ends in 00) are trimmed, which also removes the extra 00 of 4-byte codes.
     */
    public static List<NalUnit> split(byte[] stream, int offset, int length) {
        int end = offset + length;
        List<NalUnit> nals = new ArrayList<>(8);
        int startCode = findStartCode(stream, offset, end);
        while (startCode >= 0) {
            int nalStart = startCode + 3;
            int next = findStartCode(stream, nalStart, end);
            int nalEnd = next < 0 ? end : next;
            while (nalEnd > nalStart && stream[nalEnd - 1] == 0) {
                nalEnd--;
            }
            if (nalEnd > nalStart) {
                nals.add(new NalUnit(stream, nalStart, nalEnd - nalStart));
            }
            startCode = next;
        }
        return nals;
    }

    /** Index of the next 00 00 01 in {@code data[from, end)}, or -1. */
    public static int findStartCode(byte[] data, int from, int end) {
        int i = from;
        while (i + 2 < end) {
            int third = data[i + 2] & 0xff;
            if (third > 1) {
                i += 3; // no start code can begin at i, i+1 or i+2
            } else if (third == 1 && data[i] == 0 && data[i + 1] == 0) {
                return i;
            } else {
                i++;
            }
        }
        return -1;
    }

    /** The NAL units (header byte first) as one Annex B stream with 4-byte start codes. */
    public static byte[] join(List<byte[]> nals) {
        int size = 0;
        for (byte[] nal : nals) {
            size += START_CODE_LENGTH + nal.length;
        }
        byte[] out = new byte[size];
        int at = 0;
        for (byte[] nal : nals) {
            at = writeStartCode(out, at);
            System.arraycopy(nal, 0, out, at, nal.length);
            at += nal.length;
        }
        return out;
    }

    /** Writes 00 00 00 01 at {@code out[at]}; returns the index after it. */
    public static int writeStartCode(byte[] out, int at) {
        out[at] = 0;
        out[at + 1] = 0;
        out[at + 2] = 0;
        out[at + 3] = 1;
        return at + START_CODE_LENGTH;
    }
}
