package dev.mcu.webrtc;

import static dev.mcu.webrtc.TestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SrtpContextTest {
    // RFC 7714 §16-17: session key and salt given directly ("Quid pro quo").
    private static final byte[] GCM_KEY = hex("000102030405060708090a0b0c0d0e0f");
    private static final byte[] GCM_SALT = hex("517569642070726f2071756f");
    private static final SrtpSessionKeys GCM_SESSION = new SrtpSessionKeys(GCM_KEY, new byte[0], GCM_SALT,
            GCM_KEY, new byte[0], GCM_SALT);

    private static final byte[] RFC7714_RTP = hex("""
            8040f17b 8041f8d3 5501a0b2   // V=2, PT 64, seq 0xf17b, ts, SSRC 0x5501a0b2
            47616c6c 69612065 7374206f 6d6e6973 20646976 69736120 696e2070 61727465 73207472 6573
            """);
    private static final byte[] RFC7714_SRTP = hex("""
            8040f17b 8041f8d3 5501a0b2   // header, authenticated only
            f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5 0d294e6f 42a5f47a 51c7d19b 36de3adf 8833
            899d7f27 beb16a91 52cf765e e4390cce   // GCM tag
            """);
    private static final byte[] RFC7714_RTCP = hex("""
            81c8000d 4d617273   // SR, SSRC "Mars"
            4e545031 4e545032 52545020 0000042a 0000e930 4c756e61 deadbeef deadbeef deadbeef deadbeef deadbeef
            """);
    /** §17.1: SRTCP index 0x5d4, E=1. */
    private static final byte[] RFC7714_SRTCP = hex("""
            81c8000d 4d617273
            63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d c676a5f1 730d6fda 4ce09b46
            86303ded 0bb9275b c84aa458 96cf4d2f   // tag
            c5abf872 45d9eade 800005d4   // (end of tag) and E|index
            """);
    /** §17.3: the same packet authenticated only, E=0. */
    private static final byte[] RFC7714_SRTCP_UNENCRYPTED = hex("""
            81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61
            deadbeef deadbeef deadbeef deadbeef deadbeef
            841dd968 3dd78ec9 2ae58790 125f62b3   // tag
            000005d4   // E=0, index 0x5d4
            """);

    // libsrtp srtp_validate(): AES-CM/HMAC-SHA1-80 under RFC 3711 B.3's master key.
    private static final byte[] CM_MASTER_KEY = hex("e1f97a0d3e018be0d64fa32c06de4139");
    private static final byte[] CM_MASTER_SALT = hex("0ec675ad498afeebb6960b3aabe6");
    private static final byte[] LIBSRTP_RTP = hex("800f1234 decafbad cafebabe abababab abababab abababab abababab");
    private static final byte[] LIBSRTP_SRTP = hex("""
            800f1234 decafbad cafebabe
            4e55dc4c e79978d8 8ca4d215 949d2402
            b78d6acc 99ea179b 8dbb   // HMAC-SHA1-80
            """);
    private static final byte[] LIBSRTP_RTCP = hex("81c8000b cafebabe abababab abababab abababab abababab");
    private static final byte[] LIBSRTP_SRTCP = hex("""
            81c8000b cafebabe
            7128035b e487b9bd bef89041 f977a5a8
            80000001   // E=1, index 1
            993e08cd 54d6c123 0798   // HMAC-SHA1-80
            """);

    private static final int SSRC = 0x11223344;

    @Test
    void gcmProtectsTheRfc7714RtpVectorByteForByte() {
        PacketBuffer packet = PacketBuffer.copyOf(RFC7714_RTP);

        assertEquals(SrtpStatus.OK, SrtpContext.withSessionKeys(SrtpProfile.AEAD_AES_128_GCM, GCM_SESSION).protectRtp(packet));

        assertEquals(TestBytes.hex(RFC7714_SRTP), TestBytes.hex(packet.toByteArray()));
    }

    @Test
    void gcmUnprotectsTheRfc7714RtpVectorAndRefusesItTwice() {
        SrtpContext receiver = SrtpContext.withSessionKeys(SrtpProfile.AEAD_AES_128_GCM, GCM_SESSION);
        PacketBuffer packet = PacketBuffer.copyOf(RFC7714_SRTP);

        assertEquals(SrtpStatus.OK, receiver.unprotectRtp(packet));
        assertArrayEquals(RFC7714_RTP, packet.toByteArray());
        assertEquals(SrtpStatus.REPLAYED, receiver.unprotectRtp(PacketBuffer.copyOf(RFC7714_SRTP)));
    }

    @Test
    void gcmProtectsTheRfc7714RtcpVectorByteForByte() {
        SrtpContext sender = SrtpContext.withSessionKeys(SrtpProfile.AEAD_AES_128_GCM, GCM_SESSION);
        sender.setNextSrtcpIndex(0x4d617273, 0x5d4);
        PacketBuffer packet = PacketBuffer.copyOf(RFC7714_RTCP);

        assertEquals(SrtpStatus.OK, sender.protectRtcp(packet));

        assertEquals(TestBytes.hex(RFC7714_SRTCP), TestBytes.hex(packet.toByteArray()));
    }

    @Test
    void gcmUnprotectsTheRfc7714RtcpVectorsEncryptedOrNot() {
        SrtpContext receiver = SrtpContext.withSessionKeys(SrtpProfile.AEAD_AES_128_GCM, GCM_SESSION);
        PacketBuffer encrypted = PacketBuffer.copyOf(RFC7714_SRTCP);
        assertEquals(SrtpStatus.OK, receiver.unprotectRtcp(encrypted));
        assertArrayEquals(RFC7714_RTCP, encrypted.toByteArray());

        SrtpContext other = SrtpContext.withSessionKeys(SrtpProfile.AEAD_AES_128_GCM, GCM_SESSION);
        PacketBuffer authenticatedOnly = PacketBuffer.copyOf(RFC7714_SRTCP_UNENCRYPTED);
        assertEquals(SrtpStatus.OK, other.unprotectRtcp(authenticatedOnly));
        assertArrayEquals(RFC7714_RTCP, authenticatedOnly.toByteArray());
    }

    @Test
    void aesCmMatchesLibsrtpsReferencePacketsIncludingKeyDerivation() {
        SrtpContext sender = SrtpContext.create(SrtpProfile.AES128_CM_HMAC_SHA1_80, CM_MASTER_KEY, CM_MASTER_SALT);
        PacketBuffer rtp = PacketBuffer.copyOf(LIBSRTP_RTP);
        assertEquals(SrtpStatus.OK, sender.protectRtp(rtp));
        assertEquals(TestBytes.hex(LIBSRTP_SRTP), TestBytes.hex(rtp.toByteArray()));

        sender.setNextSrtcpIndex(0xcafebabe, 1); // libsrtp's first SRTCP index is 1
        PacketBuffer rtcp = PacketBuffer.copyOf(LIBSRTP_RTCP);
        assertEquals(SrtpStatus.OK, sender.protectRtcp(rtcp));
        assertEquals(TestBytes.hex(LIBSRTP_SRTCP), TestBytes.hex(rtcp.toByteArray()));

        SrtpContext receiver = SrtpContext.create(SrtpProfile.AES128_CM_HMAC_SHA1_80, CM_MASTER_KEY, CM_MASTER_SALT);
        PacketBuffer back = PacketBuffer.copyOf(LIBSRTP_SRTP);
        assertEquals(SrtpStatus.OK, receiver.unprotectRtp(back));
        assertArrayEquals(LIBSRTP_RTP, back.toByteArray());
        PacketBuffer backRtcp = PacketBuffer.copyOf(LIBSRTP_SRTCP);
        assertEquals(SrtpStatus.OK, receiver.unprotectRtcp(backRtcp));
        assertArrayEquals(LIBSRTP_RTCP, backRtcp.toByteArray());
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtpRoundTripsWithCsrcsAndAnExtensionLeftInTheClear(SrtpProfile profile) {
        SrtpContext[] pair = pair(profile);
        byte[] rtp = hex("""
                b2 60 12 34   // V=2, X=1, CC=2; PT 96; seq 0x1234
                00 00 00 10   // timestamp
                11 22 33 44   // SSRC
                aa aa aa aa bb bb bb bb   // two CSRCs
                be de 00 01 10 ff 00 00   // one-byte header extension, one word
                01 02 03 04 05 06 07 08   // payload
                """);
        PacketBuffer packet = PacketBuffer.copyOf(rtp);

        assertEquals(SrtpStatus.OK, pair[0].protectRtp(packet));
        assertEquals(rtp.length + profile.tagLength(), packet.length());
        assertArrayEquals(Arrays.copyOf(rtp, 28), Arrays.copyOf(packet.toByteArray(), 28), "header stays readable");
        assertFalse(Arrays.equals(Arrays.copyOfRange(rtp, 28, 36), Arrays.copyOfRange(packet.toByteArray(), 28, 36)));

        assertEquals(SrtpStatus.OK, pair[1].unprotectRtp(packet));
        assertArrayEquals(rtp, packet.toByteArray());
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtcpRoundTripsAndCountsItsIndex(SrtpProfile profile) {
        SrtpContext[] pair = pair(profile);
        for (int i = 0; i < 3; i++) {
            byte[] rtcp = rtcp(i);
            PacketBuffer packet = PacketBuffer.copyOf(rtcp);
            assertEquals(SrtpStatus.OK, pair[0].protectRtcp(packet));
            byte[] wire = packet.toByteArray();
            int indexAt = profile.isAead() ? wire.length - 4 : wire.length - profile.tagLength() - 4;
            assertEquals(0x80000000 | i, SrtpContextTest.readInt(wire, indexAt), "E bit and index " + i);

            assertEquals(SrtpStatus.OK, pair[1].unprotectRtcp(packet));
            assertArrayEquals(rtcp, packet.toByteArray());
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void anyFlippedBitFailsAuthentication(SrtpProfile profile) {
        SrtpContext[] pair = pair(profile);
        PacketBuffer packet = PacketBuffer.copyOf(rtp(SSRC, 7, new byte[40]));
        pair[0].protectRtp(packet);
        byte[] wire = packet.toByteArray();

        for (int i = 0; i < wire.length; i++) {
            if (i >= 2 && i < 4 || i >= 8 && i < 12 || i == 0) {
                continue; // sequence and SSRC changes select another index or stream; version is checked first
            }
            byte[] tampered = wire.clone();
            tampered[i] ^= 0x10;
            assertEquals(SrtpStatus.AUTH_FAILED, pair[1].unprotectRtp(PacketBuffer.copyOf(tampered)), "byte " + i);
        }
        assertEquals(SrtpStatus.OK, pair[1].unprotectRtp(PacketBuffer.copyOf(wire)), "the original still passes");
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void tamperedRtcpFailsAuthentication(SrtpProfile profile) {
        SrtpContext[] pair = pair(profile);
        PacketBuffer packet = PacketBuffer.copyOf(rtcp(1));
        pair[0].protectRtcp(packet);
        byte[] tampered = packet.toByteArray();
        tampered[12] ^= 1;

        assertEquals(SrtpStatus.AUTH_FAILED, pair[1].unprotectRtcp(PacketBuffer.copyOf(tampered)));
        assertEquals(1, pair[1].failures(SrtpStatus.AUTH_FAILED));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void aDifferentKeyFailsAuthentication(SrtpProfile profile) {
        SrtpContext sender = context(profile, 1);
        SrtpContext stranger = context(profile, 2);
        PacketBuffer packet = PacketBuffer.copyOf(rtp(SSRC, 1, new byte[20]));
        sender.protectRtp(packet);

        assertEquals(SrtpStatus.AUTH_FAILED, stranger.unprotectRtp(packet));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void replaysAndPacketsOlderThanTheWindowAreRefused(SrtpProfile profile) {
        SrtpContext[] pair = pair(profile);
        byte[][] wire = new byte[100][];
        for (int seq = 0; seq < 100; seq++) {
            PacketBuffer p = PacketBuffer.copyOf(rtp(SSRC, seq, new byte[] {(byte) seq}));
            pair[0].protectRtp(p);
            wire[seq] = p.toByteArray();
        }
        assertEquals(SrtpStatus.OK, pair[1].unprotectRtp(PacketBuffer.copyOf(wire[99])));
        assertEquals(SrtpStatus.REPLAYED, pair[1].unprotectRtp(PacketBuffer.copyOf(wire[99])));
        assertEquals(SrtpStatus.OK, pair[1].unprotectRtp(PacketBuffer.copyOf(wire[36])), "63 behind: inside the window");
        assertEquals(SrtpStatus.REPLAYED, pair[1].unprotectRtp(PacketBuffer.copyOf(wire[36])));
        assertEquals(SrtpStatus.REPLAYED, pair[1].unprotectRtp(PacketBuffer.copyOf(wire[35])), "64 behind: too old");
        assertEquals(SrtpStatus.OK, pair[1].unprotectRtp(PacketBuffer.copyOf(wire[98])), "late but new");
        assertEquals(3, pair[1].failures(SrtpStatus.REPLAYED));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void replayedRtcpIsRefused(SrtpProfile profile) {
        SrtpContext[] pair = pair(profile);
        PacketBuffer packet = PacketBuffer.copyOf(rtcp(0));
        pair[0].protectRtcp(packet);
        byte[] wire = packet.toByteArray();

        assertEquals(SrtpStatus.OK, pair[1].unprotectRtcp(PacketBuffer.copyOf(wire)));
        assertEquals(SrtpStatus.REPLAYED, pair[1].unprotectRtcp(PacketBuffer.copyOf(wire)));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void sequenceWrapFrom65535To0IncrementsTheRolloverCounterOnBothSides(SrtpProfile profile) {
        SrtpContext[] pair = pair(profile);
        for (int step = 0; step < 20; step++) {
            int seq = (65_525 + step) & 0xffff;
            byte[] rtp = rtp(SSRC, seq, new byte[] {(byte) step, 2, 3});
            PacketBuffer packet = PacketBuffer.copyOf(rtp);
            assertEquals(SrtpStatus.OK, pair[0].protectRtp(packet), "protect seq " + seq);
            assertEquals(SrtpStatus.OK, pair[1].unprotectRtp(packet), "unprotect seq " + seq);
            assertArrayEquals(rtp, packet.toByteArray());
        }
        assertEquals(1, pair[0].rolloverCounter(SSRC, true));
        assertEquals(1, pair[1].rolloverCounter(SSRC, false));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void aPacketFromBeforeTheWrapStillDecryptsAfterIt(SrtpProfile profile) {
        SrtpContext[] pair = pair(profile);
        byte[] late = null;
        for (int seq : new int[] {65_534, 65_535, 0, 1}) {
            PacketBuffer packet = PacketBuffer.copyOf(rtp(SSRC, seq, new byte[] {9}));
            pair[0].protectRtp(packet);
            if (seq == 65_535) {
                late = packet.toByteArray(); // reordered: arrives after 0 and 1
            } else {
                assertEquals(SrtpStatus.OK, pair[1].unprotectRtp(packet));
            }
        }
        assertEquals(SrtpStatus.OK, pair[1].unprotectRtp(PacketBuffer.copyOf(late)), "ROC-1 guessed for 65535");
        assertEquals(1, pair[1].rolloverCounter(SSRC, false));
    }

    @Test
    void aLongRunThroughSeveralWrapsKeepsBothSidesInStep() {
        SrtpContext[] pair = pair(SrtpProfile.AES128_CM_HMAC_SHA1_80);
        Random random = new Random(3);
        int seq = 60_000;
        for (int i = 0; i < 150_000; i += 1 + random.nextInt(3)) { // gaps of up to 2 lost packets
            byte[] rtp = rtp(SSRC, (seq + i) & 0xffff, new byte[] {(byte) i});
            PacketBuffer packet = PacketBuffer.copyOf(rtp);
            pair[0].protectRtp(packet);
            assertEquals(SrtpStatus.OK, pair[1].unprotectRtp(packet), "packet " + i);
        }
        assertEquals(3, pair[1].rolloverCounter(SSRC, false));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void malformedPacketsAreReportedNotThrown(SrtpProfile profile) {
        SrtpContext context = context(profile, 1);
        byte[] tooShort = hex("80 60 00 01 00 00");
        byte[] versionOne = hex("40 60 00 01 00 00 00 00 11 22 33 44 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10");
        byte[] extensionOverruns = hex("90 60 00 01 00 00 00 00 11 22 33 44 be de 00 ff 01 02 03 04");

        assertEquals(SrtpStatus.MALFORMED, context.protectRtp(PacketBuffer.copyOf(tooShort)));
        assertEquals(SrtpStatus.MALFORMED, context.unprotectRtp(PacketBuffer.copyOf(tooShort)));
        assertEquals(SrtpStatus.MALFORMED, context.unprotectRtp(PacketBuffer.copyOf(versionOne)));
        assertEquals(SrtpStatus.MALFORMED, context.protectRtp(PacketBuffer.copyOf(extensionOverruns)));
        assertEquals(SrtpStatus.MALFORMED, context.unprotectRtcp(PacketBuffer.copyOf(hex("81 c8 00 01 11 22"))));
        assertEquals(SrtpStatus.MALFORMED, context.protectRtcp(PacketBuffer.copyOf(hex("81 c8 00"))));
    }

    @Test
    void aBufferWithoutTailRoomIsMovedToALargerOne() {
        SrtpContext[] pair = pair(SrtpProfile.AEAD_AES_128_GCM);
        byte[] rtp = rtp(SSRC, 5, new byte[] {1, 2, 3});
        PacketBuffer tight = new PacketBuffer(rtp.clone(), 0, rtp.length);

        assertEquals(SrtpStatus.OK, pair[0].protectRtp(tight));
        assertEquals(rtp.length + 16, tight.length());
        assertEquals(SrtpStatus.OK, pair[1].unprotectRtp(tight));
        assertArrayEquals(rtp, tight.toByteArray());
    }

    @Test
    void twoProfilesDeriveDifferentCiphertexts() {
        byte[] rtp = rtp(SSRC, 1, new byte[16]);
        PacketBuffer cm = PacketBuffer.copyOf(rtp);
        PacketBuffer gcm = PacketBuffer.copyOf(rtp);
        context(SrtpProfile.AES128_CM_HMAC_SHA1_80, 1).protectRtp(cm);
        context(SrtpProfile.AEAD_AES_128_GCM, 1).protectRtp(gcm);
        assertNotEquals(TestBytes.hex(cm.toByteArray()), TestBytes.hex(gcm.toByteArray()));
    }

    /** A sender and a receiver under the same master key. */
    private static SrtpContext[] pair(SrtpProfile profile) {
        return new SrtpContext[] {context(profile, 1), context(profile, 1)};
    }

    private static SrtpContext context(SrtpProfile profile, int seed) {
        Random random = new Random(seed);
        byte[] key = new byte[profile.keyLength()];
        byte[] salt = new byte[profile.saltLength()];
        random.nextBytes(key);
        random.nextBytes(salt);
        return SrtpContext.create(profile, key, salt);
    }

    static byte[] rtp(int ssrc, int seq, byte[] payload) {
        byte[] packet = new byte[12 + payload.length];
        packet[0] = (byte) 0x80;
        packet[1] = 96;
        packet[2] = (byte) (seq >>> 8);
        packet[3] = (byte) seq;
        packet[7] = (byte) seq; // timestamp, anything
        packet[8] = (byte) (ssrc >>> 24);
        packet[9] = (byte) (ssrc >>> 16);
        packet[10] = (byte) (ssrc >>> 8);
        packet[11] = (byte) ssrc;
        System.arraycopy(payload, 0, packet, 12, payload.length);
        return packet;
    }

    private static byte[] rtcp(int marker) {
        return hex("81 c9 00 07 11 22 33 44 55 66 77 88 00 00 00 0" + marker + " 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00");
    }

    static int readInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
