package dev.mcu.media.rtp;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** RFC 8285 header-extension blocks and the RFC 6464 level inside them, byte by byte. */
class AudioLevelIndicationTest {
    /** V=2, X=1, CC=0 | PT 111 | seq 1 | ts 2 | SSRC 11223344. */
    private static final String HEADER = "90 6f 00 01 | 00 00 00 02 | 11 22 33 44 |";
    private static final String PAYLOAD = "| fc ff fe";

    record Case(String name, String packet, int id, int expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        int absent = AudioLevelIndication.ABSENT;
        return List.of(
                new Case("one-byte: id 1, one data byte (L=0), V=1 level 10, then two bytes of padding",
                        HEADER + "be de 00 01 | 10 8a | 00 00" + PAYLOAD, 1, 0x8a),
                new Case("one-byte: id 2 with 3 bytes (L=2) before id 3 with V=0 level 10",
                        HEADER + "be de 00 02 | 22 aa bb cc | 30 0a | 00 00" + PAYLOAD, 3, 0x0a),
                new Case("one-byte: padding before the element is skipped",
                        HEADER + "be de 00 02 | 00 00 | 10 7f | 00 00 00 00" + PAYLOAD, 1, 0x7f),
                new Case("one-byte: the id asked for is not in the block",
                        HEADER + "be de 00 01 | 20 8a | 00 00" + PAYLOAD, 1, absent),
                new Case("one-byte: id 15 ends the block, so the id 1 after it is not read",
                        HEADER + "be de 00 01 | f0 | 10 8a | 00" + PAYLOAD, 1, absent),
                new Case("one-byte: an element running past the block (id 1, L=3 in the last byte) is malformed",
                        HEADER + "be de 00 01 | 00 00 00 | 13" + PAYLOAD, 1, absent),
                new Case("one-byte: an empty block",
                        HEADER + "be de 00 00" + PAYLOAD, 1, absent),
                new Case("one-byte: after a CSRC (CC=1), V=1 level 0",
                        "91 6f 00 01 | 00 00 00 02 | 11 22 33 44 | 55 66 77 88 | be de 00 01 | 10 80 | 00 00" + PAYLOAD,
                        1, 0x80),
                new Case("two-byte: id 1, length 1, V=1 level 10, one byte of padding",
                        HEADER + "10 00 00 01 | 01 01 8a | 00" + PAYLOAD, 1, 0x8a),
                new Case("two-byte with appbits 3: a zero-length id 5, padding, then id 1",
                        HEADER + "10 03 00 02 | 05 00 | 00 | 01 01 0a | 00 00" + PAYLOAD, 1, 0x0a),
                new Case("two-byte: ids above 14 are allowed (id 20)",
                        HEADER + "10 00 00 01 | 14 01 85 | 00" + PAYLOAD, 20, 0x85),
                new Case("two-byte: 15 is an ordinary id, not a stop",
                        HEADER + "10 00 00 02 | 0f 01 99 | 01 01 8a | 00 00" + PAYLOAD, 1, 0x8a),
                new Case("two-byte: an id in the last byte without its length byte is malformed",
                        HEADER + "10 00 00 01 | 00 00 00 | 01" + PAYLOAD, 1, absent),
                new Case("two-byte: a length running past the block is malformed",
                        HEADER + "10 00 00 01 | 01 05 8a 00" + PAYLOAD, 1, absent),
                new Case("two-byte: a zero-length level element holds no level",
                        HEADER + "10 00 00 01 | 01 00 | 00 00" + PAYLOAD, 1, absent),
                new Case("another profile's extension is not RFC 8285",
                        HEADER + "ab cd 00 01 | 10 8a 00 00" + PAYLOAD, 1, absent),
                new Case("no extension at all (X=0)",
                        "80 6f 00 01 | 00 00 00 02 | 11 22 33 44" + PAYLOAD, 1, absent),
                new Case("id 0 is never an element (it is padding)",
                        HEADER + "be de 00 01 | 10 8a | 00 00" + PAYLOAD, 0, absent));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theLevelIsFoundWhereRfc8285PutsItAndNowhereElse(Case c) {
        RtpPacket packet = RtpPacket.parse(TestPackets.hex(c.packet()));
        assertNotNull(packet, "the test packet itself must be valid RTP");

        assertEquals(c.expected(), AudioLevelIndication.read(packet, c.id()));
        assertEquals(3, packet.payloadLength(), "the payload is still found after the block");
    }

    @org.junit.jupiter.api.Test
    void theIndicationByteSplitsIntoMinusDbovAndTheVoiceBit() {
        int loudVoice = 0x8a;
        int silence = 0x7f;

        assertEquals(10, AudioLevelIndication.level(loudVoice));
        assertEquals(-10.0, AudioLevelIndication.dbov(loudVoice));
        assertEquals(true, AudioLevelIndication.voice(loudVoice));
        assertEquals(127, AudioLevelIndication.level(silence));
        assertEquals(false, AudioLevelIndication.voice(silence));
        assertEquals(0x8a, AudioLevelIndication.of(10, true));
        assertEquals(0x7f, AudioLevelIndication.of(200, false), "clamped to 127");
    }

    @org.junit.jupiter.api.Test
    void anElementIsReportedWithItsDataOffsetAndLength() {
        RtpPacket packet = RtpPacket.parse(TestPackets.hex(HEADER + "be de 00 02 | 22 aa bb cc | 30 0a | 00 00" + PAYLOAD));

        HeaderExtensions.Element element = HeaderExtensions.find(packet, 2);

        assertEquals(new HeaderExtensions.Element(12 + 4 + 1, 3), element);
        assertNull(HeaderExtensions.find(packet, 4));
        assertNull(HeaderExtensions.find(packet, 300), "no such id in either form");
    }
}
