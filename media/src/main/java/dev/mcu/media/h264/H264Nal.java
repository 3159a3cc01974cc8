package dev.mcu.media.h264;

/**
 * H.264 NAL unit header fields and the RTP payload structure types of RFC 6184 §5.2-5.8.
 *
 * <pre>
 * NAL unit header (ITU-T H.264 §7.3.1), also the first byte of every RTP payload:
 * +---------------+
 * |0|1|2|3|4|5|6|7|
 * +-+-+-+-+-+-+-+-+
 * |F|NRI|  Type   |
 * +---------------+
 * </pre>
 */
public final class H264Nal {
    /** forbidden_zero_bit: 1 means the NAL may contain bit errors. */
    public static final int F_BIT = 0x80;
    /** nal_ref_idc: 0 = not used for reference. */
    public static final int NRI_MASK = 0x60;
    public static final int TYPE_MASK = 0x1f;

    public static final int SLICE = 1;
    public static final int IDR = 5;
    public static final int SEI = 6;
    public static final int SPS = 7;
    public static final int PPS = 8;
    public static final int AUD = 9;
    /** Last type a single NAL unit packet may carry (RFC 6184 §5.6). */
    public static final int MAX_SINGLE = 23;
    public static final int STAP_A = 24;
    public static final int STAP_B = 25;
    public static final int MTAP16 = 26;
    public static final int MTAP24 = 27;
    public static final int FU_A = 28;
    public static final int FU_B = 29;

    /** FU header bits (RFC 6184 §5.8). */
    public static final int FU_START = 0x80;
    public static final int FU_END = 0x40;
    public static final int FU_RESERVED = 0x20;

    private H264Nal() {
    }

    public static int type(int header) {
        return header & TYPE_MASK;
    }

    /** A coded slice: the NALs that carry picture data. */
    public static boolean isVcl(int type) {
        return type >= SLICE && type <= IDR;
    }

    /**
     * True when a slice NAL begins a picture: first_mb_in_slice, the first ue(v) field after the
     * header, is 0 exactly when its first bit is 1.
     */
    static boolean sliceStartsPicture(int firstByteAfterHeader) {
        return (firstByteAfterHeader & 0x80) != 0;
    }
}
