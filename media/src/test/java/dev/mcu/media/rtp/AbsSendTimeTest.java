package dev.mcu.media.rtp;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AbsSendTimeTest {
    private static final byte[] PAYLOAD = {1, 2, 3, 4, 5};

    @Test
    void theValueIsSixEighteenFixedPointSecondsWrappingEvery64Seconds() {
        assertEquals(0, AbsSendTime.value(0));
        assertEquals(1 << 18, AbsSendTime.value(1_000_000_000L), "one second");
        assertEquals(1 << 17, AbsSendTime.value(500_000_000L), "half a second");
        assertEquals((3 << 18) | (1 << 16), AbsSendTime.value(3_250_000_000L));
        assertEquals(AbsSendTime.value(1_000_000_000L), AbsSendTime.value(65_000_000_000L), "64 s later: the same");
        assertEquals(0xffffff, AbsSendTime.value(64_000_000_000L - 1), "a nanosecond under 64 s: every bit set");
        assertEquals(AbsSendTime.value(63_000_000_000L), AbsSendTime.value(-1_000_000_000L), "a negative clock wraps too");
    }

    @Test
    void aPacketWithoutExtensionGetsAOneByteBlockAndKeepsEverythingElse() {
        byte[] packet = RtpPacket.build(96, true, 4660, 90_000, 0x11223344L, PAYLOAD);
        byte[] before = packet.clone();
        byte[] out = AbsSendTime.withExtension(packet, 3, 2_500_000_000L);
        assertArrayEquals(before, packet, "the shared packet is not touched");
        assertEquals(packet.length + 8, out.length);
        RtpPacket parsed = RtpPacket.parse(out);
        assertNotNull(parsed);
        assertTrue(parsed.hasExtension());
        assertEquals(96, parsed.payloadType());
        assertTrue(parsed.marker());
        assertEquals(4660, parsed.sequenceNumber());
        assertEquals(90_000, parsed.timestamp());
        assertEquals(0x11223344L, parsed.ssrc());
        assertArrayEquals(PAYLOAD, parsed.copyPayload());
        // 0xBEDE, one word; element id 3, length 3 (L = 2); 2.5 s = 0x0A0000
        assertArrayEquals(new byte[] {(byte) 0xBE, (byte) 0xDE, 0, 1, 0x32, 0x0A, 0, 0}, Arrays.copyOfRange(out, 12, 20));
        HeaderExtensions.Element e = HeaderExtensions.find(parsed, 3);
        assertEquals(3, e.length());
    }

    @Test
    void csrcsStayInFrontOfTheBlock() {
        byte[] packet = RtpPacket.build(96, false, 1, 2, 3, PAYLOAD);
        byte[] withCsrc = new byte[packet.length + 4];
        System.arraycopy(packet, 0, withCsrc, 0, 12);
        withCsrc[0] |= 1;
        withCsrc[12] = 9;
        withCsrc[15] = 9;
        System.arraycopy(packet, 12, withCsrc, 16, PAYLOAD.length);
        byte[] out = AbsSendTime.withExtension(withCsrc, 2, 0);
        RtpPacket parsed = RtpPacket.parse(out);
        assertEquals(1, parsed.csrcCount());
        assertEquals(9, out[12]);
        assertEquals(16, parsed.extensionOffset());
        assertArrayEquals(PAYLOAD, parsed.copyPayload());
        assertNotNull(HeaderExtensions.find(parsed, 2));
    }

    @Test
    void anExistingOneByteBlockGetsTheElementAppended() {
        byte[] packet = RtpPacket.build(96, false, 1, 2, 3, PAYLOAD);
        byte[] withAudioLevel = new byte[packet.length + 8];
        System.arraycopy(packet, 0, withAudioLevel, 0, 12);
        withAudioLevel[0] |= 0x10;
        byte[] block = {(byte) 0xBE, (byte) 0xDE, 0, 1, 0x10, (byte) 0x85, 0, 0}; // id 1, one byte, two padding
        System.arraycopy(block, 0, withAudioLevel, 12, 8);
        System.arraycopy(packet, 12, withAudioLevel, 20, PAYLOAD.length);
        byte[] out = AbsSendTime.withExtension(withAudioLevel, 2, 1_000_000_000L);
        RtpPacket parsed = RtpPacket.parse(out);
        assertEquals(2, out[15], "two words now");
        assertEquals((byte) 0x85, out[HeaderExtensions.find(parsed, 1).offset()], "the first element is kept");
        HeaderExtensions.Element sendTime = HeaderExtensions.find(parsed, 2);
        assertEquals(0x04, out[sendTime.offset()]);
        assertArrayEquals(PAYLOAD, parsed.copyPayload());
    }

    @Test
    void anIdAbove14UsesTheTwoByteForm() {
        byte[] out = AbsSendTime.withExtension(RtpPacket.build(96, false, 1, 2, 3, PAYLOAD), 20, 0);
        RtpPacket parsed = RtpPacket.parse(out);
        assertEquals(3, HeaderExtensions.find(parsed, 20).length());
        assertArrayEquals(PAYLOAD, parsed.copyPayload());
    }

    @Test
    void whatCannotBeDoneCleanlyIsSentAsItWas() {
        byte[] tooShort = {(byte) 0x80, 96, 0, 1};
        assertSame(tooShort, AbsSendTime.withExtension(tooShort, 2, 0));
        byte[] packet = RtpPacket.build(96, false, 1, 2, 3, PAYLOAD);
        packet[0] |= 0x10; // claims an extension its bytes cannot hold
        packet[14] = 0x7f;
        assertSame(packet, AbsSendTime.withExtension(packet, 2, 0));
        byte[] plain = RtpPacket.build(96, false, 1, 2, 3, PAYLOAD);
        assertSame(plain, AbsSendTime.withExtension(plain, 0, 0), "id 0 is not an id");
    }
}
