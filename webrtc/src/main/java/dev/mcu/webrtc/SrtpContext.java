package dev.mcu.webrtc;

import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * SRTP and SRTCP (RFC 3711; RFC 7714 for GCM) under one master key: one direction of a DTLS-SRTP
 * session. It keeps, per SSRC, the roll-over counter (estimated across sequence wrap, §3.3.1), a
 * 64-packet replay window for SRTP and one for SRTCP (§3.3.2), and the next SRTCP index to send.
 * Packets are rewritten in place in a {@link PacketBuffer}; every method returns a status instead
 * of throwing, and state changes only for packets that authenticated.
 *
 * <p>Threads: not thread-safe. A context is used by one thread at a time (the sending side's
 * thread for the local context, the socket's event loop for the remote one); {@link #failures}
 * may be read from any thread. Owns heap objects only (its Cipher and Mac instances).
 */
public final class SrtpContext {
    /** The most bytes a protect call appends: GCM SRTCP's tag plus index. */
    public static final int MAX_TRAILER = 20;

    private static final int RTP_FIXED_HEADER = 12;
    private static final int RTCP_HEADER = 8;
    private static final int SRTCP_INDEX_SIZE = 4;
    private static final int VERSION_2 = 0x80;
    private static final int VERSION_MASK = 0xC0;
    private static final int E_BIT = 0x80000000;
    private static final int MAX_SRTCP_INDEX = 0x7fffffff;

    private final SrtpProfile profile;
    private final SrtpTransform transform; // owned
    private final Map<Integer, SsrcState> streams = new HashMap<>();
    private final AtomicLongArray failures = new AtomicLongArray(SrtpStatus.values().length);

    private SrtpContext(SrtpProfile profile, SrtpSessionKeys keys) {
        this.profile = profile;
        this.transform = SrtpTransform.create(profile, keys);
    }

    /** A context for a master key and salt (as DTLS-SRTP exports them). */
    public static SrtpContext create(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
        return new SrtpContext(profile, SrtpSessionKeys.derive(profile, masterKey, masterSalt));
    }

    /** A context with session keys given directly, skipping the KDF (RFC 7714's test vectors do). */
    static SrtpContext withSessionKeys(SrtpProfile profile, SrtpSessionKeys keys) {
        return new SrtpContext(profile, keys);
    }

    public SrtpProfile profile() {
        return profile;
    }

    /** Encrypts and authenticates an RTP packet in place (the buffer grows by the tag). */
    public SrtpStatus protectRtp(PacketBuffer packet) {
        byte[] buf = packet.array();
        int off = packet.offset();
        int len = packet.length();
        int headerLength = rtpHeaderLength(buf, off, len);
        if (headerLength < 0) {
            return fail(SrtpStatus.MALFORMED);
        }
        int ssrc = readInt(buf, off + 8);
        RtpIndexTracker sendIndex = state(ssrc).sendIndex;
        long index = sendIndex.guess(readShort(buf, off + 2));
        if (index < 0) {
            return fail(SrtpStatus.MALFORMED);
        }
        packet.ensureTailRoom(transform.rtpTrailerLength());
        try {
            int newLength = transform.protectRtp(packet.array(), packet.offset(), len, headerLength, ssrc, index);
            packet.setLength(newLength);
        } catch (GeneralSecurityException e) {
            return fail(SrtpStatus.MALFORMED);
        }
        sendIndex.update(index);
        return SrtpStatus.OK;
    }

    /** Verifies, replay-checks and decrypts an SRTP packet in place (the buffer shrinks by the tag). */
    public SrtpStatus unprotectRtp(PacketBuffer packet) {
        byte[] buf = packet.array();
        int off = packet.offset();
        int len = packet.length();
        int headerLength = rtpHeaderLength(buf, off, len - transform.rtpTrailerLength());
        if (headerLength < 0) {
            return fail(SrtpStatus.MALFORMED);
        }
        int ssrc = readInt(buf, off + 8);
        SsrcState known = streams.get(ssrc);
        long index = known == null ? readShort(buf, off + 2) : known.receiveIndex.guess(readShort(buf, off + 2));
        if (known != null && known.rtpReplay.isReplayOrTooOld(index)) {
            return fail(SrtpStatus.REPLAYED);
        }
        int clear;
        try {
            clear = transform.unprotectRtp(buf, off, len, headerLength, ssrc, index);
        } catch (GeneralSecurityException e) {
            return fail(SrtpStatus.MALFORMED);
        }
        if (clear < 0) {
            return fail(SrtpStatus.AUTH_FAILED);
        }
        SsrcState state = known != null ? known : state(ssrc);
        state.receiveIndex.update(index);
        state.rtpReplay.accept(index);
        packet.setLength(clear);
        return SrtpStatus.OK;
    }

    /** Encrypts and authenticates an RTCP compound packet in place, with the next SRTCP index and E=1. */
    public SrtpStatus protectRtcp(PacketBuffer packet) {
        byte[] buf = packet.array();
        int off = packet.offset();
        int len = packet.length();
        if (len < RTCP_HEADER || (buf[off] & VERSION_MASK) != VERSION_2) {
            return fail(SrtpStatus.MALFORMED);
        }
        int ssrc = readInt(buf, off + 4);
        SsrcState state = state(ssrc);
        int index = state.nextSrtcpIndex;
        packet.ensureTailRoom(transform.rtcpTrailerLength());
        try {
            packet.setLength(transform.protectRtcp(packet.array(), packet.offset(), len, ssrc, index));
        } catch (GeneralSecurityException e) {
            return fail(SrtpStatus.MALFORMED);
        }
        // 31 bits: a session needs re-keying long before this wraps (2^31 packets).
        state.nextSrtcpIndex = (index + 1) & MAX_SRTCP_INDEX;
        return SrtpStatus.OK;
    }

    /** Verifies, replay-checks and decrypts an SRTCP packet in place (E=0 packets are only verified). */
    public SrtpStatus unprotectRtcp(PacketBuffer packet) {
        byte[] buf = packet.array();
        int off = packet.offset();
        int len = packet.length();
        if (len < RTCP_HEADER + transform.rtcpTrailerLength() || (buf[off] & VERSION_MASK) != VERSION_2) {
            return fail(SrtpStatus.MALFORMED);
        }
        int ssrc = readInt(buf, off + 4);
        int word = readInt(buf, off + transform.srtcpIndexPosition(len));
        boolean encrypted = (word & E_BIT) != 0;
        int index = word & MAX_SRTCP_INDEX;
        SsrcState known = streams.get(ssrc);
        if (known != null && known.rtcpReplay.isReplayOrTooOld(index)) {
            return fail(SrtpStatus.REPLAYED);
        }
        int clear;
        try {
            clear = transform.unprotectRtcp(buf, off, len, ssrc, index, encrypted);
        } catch (GeneralSecurityException e) {
            return fail(SrtpStatus.MALFORMED);
        }
        if (clear < 0) {
            return fail(SrtpStatus.AUTH_FAILED);
        }
        (known != null ? known : state(ssrc)).rtcpReplay.accept(index);
        packet.setLength(clear);
        return SrtpStatus.OK;
    }

    /** How many operations ended with {@code status} (OK is not counted). */
    public long failures(SrtpStatus status) {
        return failures.get(status.ordinal());
    }

    /** The roll-over counter this context last accepted or used for {@code ssrc}; for tests and stats. */
    long rolloverCounter(int ssrc, boolean sending) {
        SsrcState s = streams.get(ssrc);
        if (s == null) {
            return 0;
        }
        return sending ? s.sendIndex.rolloverCounter() : s.receiveIndex.rolloverCounter();
    }

    /** Sets the SRTCP index the next protected packet of {@code ssrc} carries (RFC vectors start mid-session). */
    void setNextSrtcpIndex(int ssrc, int index) {
        state(ssrc).nextSrtcpIndex = index & MAX_SRTCP_INDEX;
    }

    private SrtpStatus fail(SrtpStatus status) {
        failures.incrementAndGet(status.ordinal());
        return status;
    }

    private SsrcState state(int ssrc) {
        return streams.computeIfAbsent(ssrc, s -> new SsrcState());
    }

    /**
     * The RTP header length (fixed part, CSRCs, extension) if it fits in {@code len} bytes and the
     * version is 2; otherwise -1.
     */
    static int rtpHeaderLength(byte[] buf, int off, int len) {
        if (len < RTP_FIXED_HEADER || (buf[off] & VERSION_MASK) != VERSION_2) {
            return -1;
        }
        int length = RTP_FIXED_HEADER + 4 * (buf[off] & 0x0f);
        if ((buf[off] & 0x10) != 0) {
            if (length + 4 > len) {
                return -1;
            }
            length += 4 + 4 * readShort(buf, off + length + 2);
        }
        return length <= len ? length : -1;
    }

    private static int readShort(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    /** What the context remembers of one SSRC. */
    private static final class SsrcState {
        final RtpIndexTracker sendIndex = new RtpIndexTracker();
        final RtpIndexTracker receiveIndex = new RtpIndexTracker();
        final ReplayWindow rtpReplay = new ReplayWindow();
        final ReplayWindow rtcpReplay = new ReplayWindow();
        int nextSrtcpIndex;
    }
}
