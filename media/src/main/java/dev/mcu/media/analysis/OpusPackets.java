package dev.mcu.media.analysis;

/**
 * Reads what an Opus packet (RFC 6716) says about itself without decoding it: whether it carries
 * in-band FEC (SILK's LBRR data, §4.2.4). Used by tests to check which receivers are sent FEC;
 * FFmpeg cannot tell (its decoders neither report nor decode it). Any thread.
 */
public final class OpusPackets {
    private OpusPackets() {
    }

    /**
     * Whether a one-frame, mono, SILK or hybrid packet (TOC code 0, config 0-15) has its LBRR flag
     * set: the second bit its range coder holds, after the frame's VAD flag (§4.2.3). False for a
     * CELT-only packet, which has no LBRR.
     *
     * @throws IllegalArgumentException for an empty packet, or one holding more than one frame or
     *                                  stereo (not what the server sends)
     */
    public static boolean hasLbrr(byte[] payload, int offset, int length) {
        if (length < 1) {
            throw new IllegalArgumentException("empty Opus packet");
        }
        int toc = payload[offset] & 0xff;
        if ((toc & 0x3) != 0 || (toc & 0x4) != 0) {
            throw new IllegalArgumentException("not a one-frame mono packet: TOC 0x" + Integer.toHexString(toc));
        }
        if ((toc >> 3) >= 16) {
            return false; // CELT only
        }
        RangeDecoder decoder = new RangeDecoder(payload, offset + 1, length - 1);
        decoder.bit(); // the VAD flag of the one 20 ms SILK frame
        return decoder.bit();
    }

    /** The start of RFC 6716's range decoder (§4.1), enough for bits of probability 1/2. */
    private static final class RangeDecoder {
        private final byte[] data;
        private final int end;
        private int position;
        private long rng = 128;
        private long val;
        private int rem;

        RangeDecoder(byte[] data, int offset, int length) {
            this.data = data;
            this.position = offset;
            this.end = offset + length;
            rem = next();
            val = rng - 1 - (rem >> 1);
            normalize();
        }

        private int next() {
            return position < end ? data[position++] & 0xff : 0;
        }

        private void normalize() {
            while (rng <= (1L << 23)) {
                rng <<= 8;
                int sym = rem;
                rem = next();
                sym = ((sym << 8) | rem) >> 1;
                val = ((val << 8) + (255 & ~sym)) & ((1L << 31) - 1);
            }
        }

        /** ec_dec_bit_logp(1): a bit of probability one half. */
        boolean bit() {
            long s = rng >> 1;
            boolean set = val < s;
            if (!set) {
                val -= s;
            }
            rng = set ? s : rng - s;
            normalize();
            return set;
        }
    }
}
