package dev.mcu.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.webrtc.PacketBuffer;
import dev.mcu.webrtc.SrtpContext;
import dev.mcu.webrtc.SrtpProfile;
import dev.mcu.webrtc.SrtpStatus;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SRTP and SRTCP unprotect (RFC 3711, RFC 7714) with both profiles. Raw fuzzed packets must be
 * refused with a status, never an exception; a packet our sender protected comes back intact; and
 * the same packet with any one byte changed is refused (no forgery gets through).
 */
class SrtpFuzzTest {
    private static final byte[] KEY = "0123456789abcdef".getBytes();
    private static final byte[] SALT = "saltsaltsalt34".getBytes();

    @FuzzTest
    void srtpUnprotect(FuzzedDataProvider data) {
        SrtpProfile profile = data.pickValue(SrtpProfile.values());
        byte[] salt = Arrays.copyOf(SALT, profile.saltLength());
        SrtpContext receiver = SrtpContext.create(profile, KEY, salt);
        boolean rtcp = data.consumeBoolean();
        int mode = data.consumeInt(0, 2);
        if (mode == 0) {
            byte[] raw = data.consumeRemainingAsBytes();
            PacketBuffer packet = PacketBuffer.copyOf(raw);
            SrtpStatus status = rtcp ? receiver.unprotectRtcp(packet) : receiver.unprotectRtp(packet);
            assertTrue(status == SrtpStatus.OK ? packet.length() < raw.length : packet.length() == raw.length);
            return;
        }
        SrtpContext sender = SrtpContext.create(profile, KEY, salt);
        int sequence = data.consumeInt(0, 0xffff);
        byte[] clear = rtcp ? rtcpReport(data) : RtpPacket.build(data.consumeInt(0, 127), data.consumeBoolean(),
                sequence, data.consumeLong(0, 0xffffffffL), data.consumeLong(0, 0xffffffffL),
                data.consumeBytes(data.consumeInt(0, 1200)));
        PacketBuffer protectedPacket = PacketBuffer.copyOf(clear);
        assertEquals(SrtpStatus.OK, rtcp ? sender.protectRtcp(protectedPacket) : sender.protectRtp(protectedPacket));
        byte[] wire = protectedPacket.toByteArray();
        if (mode == 2) {
            int at = data.consumeInt(0, wire.length - 1);
            byte flip = data.consumeByte();
            if (flip == 0) {
                flip = 1;
            }
            wire[at] ^= flip;
        }
        PacketBuffer received = PacketBuffer.copyOf(wire);
        SrtpStatus status = rtcp ? receiver.unprotectRtcp(received) : receiver.unprotectRtp(received);
        if (mode == 1) {
            assertEquals(SrtpStatus.OK, status);
            assertArrayEquals(clear, received.toByteArray());
        } else {
            assertNotEquals(SrtpStatus.OK, status, "a changed packet was accepted");
        }
    }

    /** An RR with a fuzzed sender SSRC and report body: SRTCP protects any compound. */
    private static byte[] rtcpReport(FuzzedDataProvider data) {
        byte[] body = data.consumeBytes(4 * data.consumeInt(0, 30));
        byte[] out = new byte[8 + body.length];
        int words = out.length / 4 - 1;
        out[0] = (byte) 0x80;
        out[1] = (byte) 201;
        out[2] = (byte) (words >>> 8);
        out[3] = (byte) words;
        long ssrc = data.consumeLong(0, 0xffffffffL);
        for (int i = 0; i < 4; i++) {
            out[4 + i] = (byte) (ssrc >>> (24 - 8 * i));
        }
        System.arraycopy(body, 0, out, 8, body.length);
        return out;
    }
}
