package dev.mcu.media.rtcp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RtcpPacketsTest {

    record Case(String name, byte[] bytes, RtcpPacket packet) {
        @Override
        public String toString() {
            return name;
        }
    }

    static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("sender report with one block", bytes(
                        0x81, 200, 0x00, 0x0c,      // V=2 RC=1, PT=SR, length=12 (52 bytes)
                        0x90, 0x2f, 0x9e, 0x2e,     // sender ssrc=0x902f9e2e
                        0xda, 0x8b, 0xd1, 0xfc,     // NTP msw
                        0xdd, 0xdd, 0xa0, 0x5a,     // NTP lsw
                        0xaa, 0xf4, 0xed, 0xd5,     // rtp timestamp=0xaaf4edd5
                        0x00, 0x00, 0x00, 0x01,     // packet count=1
                        0x00, 0x00, 0x00, 0x02,     // octet count=2
                        0xbc, 0x5e, 0x9a, 0x40,     // block ssrc=0xbc5e9a40
                        0x00, 0x00, 0x00, 0x00,     // fraction=0, cumulative lost=0
                        0x00, 0x00, 0x46, 0xe1,     // extended highest seq=18145
                        0x00, 0x00, 0x01, 0x11,     // jitter=273
                        0x09, 0xf3, 0x64, 0x32,     // LSR
                        0x00, 0x02, 0x4a, 0x79),    // DLSR=150137
                        new SenderReport(0x902f9e2eL, 0xda8bd1fcdddda05aL, 0xaaf4edd5L, 1, 2,
                                List.of(new ReportBlock(0xbc5e9a40L, 0, 0, 18145, 273, 0x09f36432L, 150137)))),
                new Case("receiver report with negative cumulative loss", bytes(
                        0x81, 201, 0x00, 0x07,      // V=2 RC=1, PT=RR, length=7 (32 bytes)
                        0x90, 0x2f, 0x9e, 0x2e,     // sender ssrc
                        0xbc, 0x5e, 0x9a, 0x40,     // block ssrc
                        0x40, 0xff, 0xff, 0xff,     // fraction=64/256, cumulative lost=-1
                        0x00, 0x01, 0x00, 0x05,     // extended highest seq: 1 cycle, seq 5
                        0x00, 0x00, 0x00, 0x10,     // jitter=16
                        0x00, 0x00, 0x00, 0x00,     // LSR: no SR yet
                        0x00, 0x00, 0x00, 0x00),    // DLSR
                        new ReceiverReport(0x902f9e2eL,
                                List.of(new ReportBlock(0xbc5e9a40L, 64, -1, 0x10005, 16, 0, 0)))),
                new Case("empty receiver report", bytes(
                        0x80, 201, 0x00, 0x01,      // RC=0, length=1 (8 bytes)
                        0x00, 0x00, 0x00, 0x2a),    // sender ssrc=42
                        new ReceiverReport(42, List.of())),
                new Case("source description with a cname", bytes(
                        0x81, 202, 0x00, 0x03,      // SC=1, PT=SDES, length=3 (16 bytes)
                        0x12, 0x34, 0x56, 0x78,     // chunk ssrc
                        0x01, 0x03, 'a', 'b',       // CNAME, 3 bytes "ab..
                        'c', 0x00, 0x00, 0x00),     // ..c", END, pad to 32 bits
                        SourceDescription.ofCname(0x12345678L, "abc")),
                new Case("bye with a reason", bytes(
                        0x81, 203, 0x00, 0x02,      // SC=1, PT=BYE, length=2 (12 bytes)
                        0x12, 0x34, 0x56, 0x78,     // ssrc
                        0x03, 'b', 'y', 'e'),       // reason length 3, "bye"
                        new Bye(List.of(0x12345678L), "bye")),
                new Case("generic nack", bytes(
                        0x81, 205, 0x00, 0x03,      // FMT=1, PT=RTPFB, length=3 (16 bytes)
                        0x00, 0x00, 0x00, 0x01,     // sender ssrc=1
                        0x00, 0x00, 0x00, 0x02,     // media ssrc=2
                        0x00, 0x64, 0x00, 0x05),    // PID=100, BLP=0b101: 101 and 103
                        new GenericNack(1, 2, List.of(100, 101, 103))),
                new Case("picture loss indication", bytes(
                        0x81, 206, 0x00, 0x02,      // FMT=1, PT=PSFB, length=2 (12 bytes)
                        0x00, 0x00, 0x00, 0x01,     // sender ssrc=1
                        0xca, 0xfe, 0xba, 0xbe),    // media ssrc
                        new PictureLossIndication(1, 0xcafebabeL)),
                new Case("full intra request", bytes(
                        0x84, 206, 0x00, 0x04,      // FMT=4, PT=PSFB, length=4 (20 bytes)
                        0x00, 0x00, 0x00, 0x01,     // sender ssrc=1
                        0x00, 0x00, 0x00, 0x00,     // media ssrc unused
                        0xca, 0xfe, 0xba, 0xbe,     // FCI ssrc
                        0x07, 0x00, 0x00, 0x00),    // command seq nr=7, reserved
                        new FullIntraRequest(1, List.of(new FullIntraRequest.Entry(0xcafebabeL, 7)))),
                new Case("receiver estimated maximum bitrate", bytes(
                        0x8f, 206, 0x00, 0x05,      // FMT=15, PT=PSFB, length=5 (24 bytes)
                        0x00, 0x00, 0x00, 0x01,     // sender ssrc=1
                        0x00, 0x00, 0x00, 0x00,     // media ssrc=0
                        'R', 'E', 'M', 'B',         // identifier
                        0x01, 0x0b, 0xd0, 0x90,     // 1 ssrc, exp=2, mantissa=250000: 1 Mbit/s
                        0xca, 0xfe, 0xba, 0xbe),    // ssrc feedback
                        new Remb(1, 1_000_000, List.of(0xcafebabeL))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parsingTheBytesGivesThePacket(Case c) {
        assertEquals(List.of(c.packet()), RtcpCompound.parse(c.bytes()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void writingThePacketGivesTheBytes(Case c) {
        assertEquals(c.bytes().length, c.packet().encodedSize());
        assertArrayEquals(c.bytes(), RtcpCompound.write(List.of(c.packet())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyTruncationOfThePacketParsesToNothingWithoutThrowing(Case c) {
        for (int length = 0; length < c.bytes().length; length++) {
            List<RtcpPacket> parsed = RtcpCompound.parse(c.bytes(), 0, length);
            assertNull(parsed, "length " + length);
        }
    }

    @Test
    void rembBitrateWithTheLargestExponentDoesNotOverflow() {
        byte[] b = bytes(0x8f, 206, 0x00, 0x04, 0, 0, 0, 1, 0, 0, 0, 0, 'R', 'E', 'M', 'B',
                0x00, 0xff, 0xff, 0xff);            // 0 ssrcs, exp=63, mantissa=max
        Remb remb = Remb.parse(b, 0, b.length);
        assertEquals(Remb.MAX_BITRATE_BPS, remb.bitrateBps());
    }

    /** Found by RtpRtcpFuzzTest: a capped rate must write back as itself. */
    @Test
    void aCappedRembRateWritesBackUnchanged() {
        byte[] b = bytes(0x8f, 206, 0x00, 0x04, 0, 0, 0, 1, 0, 0, 0, 0, 'R', 'E', 'M', 'B',
                0x00, 0xb4, 0x00, 0x01);            // 0 ssrcs, exp=45, mantissa=1: fits a long exactly
        Remb exact = Remb.parse(b, 0, b.length);
        assertEquals(1L << 45, exact.bitrateBps());
        Remb capped = Remb.parse(bytes(0x8f, 206, 0x00, 0x04, 0, 0, 0, 1, 0, 0, 0, 0, 'R', 'E', 'M', 'B',
                0x00, 0xff, 0xff, 0xff), 0, 20);
        byte[] written = RtcpCompound.write(List.of(capped));
        assertEquals(capped, Remb.parse(written, 0, written.length));
    }

    /** Found by RtpRtcpFuzzTest: 255 bytes that are not UTF-8 once threw from the parser. */
    @Test
    void aByeReasonOfInvalidUtf8IsDroppedNotThrown() {
        byte[] b = new byte[8 + 256];
        b[0] = (byte) 0x81;
        b[1] = (byte) 203;
        b[3] = (byte) (b.length / 4 - 1);
        b[7] = 1;
        b[8] = (byte) 255;
        java.util.Arrays.fill(b, 9, 8 + 256, (byte) 0x94); // continuation bytes without a lead byte
        List<RtcpPacket> parsed = RtcpCompound.parse(b, 0, b.length);
        assertEquals(List.of(new Bye(List.of(1L), null)), parsed);
    }

    /** Found by RtpRtcpFuzzTest in CI: a CNAME of 255 bytes that are not UTF-8 grew past 255 bytes once decoded, and writing it back threw. */
    @Test
    void aCnameOfInvalidUtf8IsCutToWhatFitsAndWritesBack() {
        byte[] b = new byte[8 + 260];
        b[0] = (byte) 0x81;
        b[1] = (byte) 202;
        b[3] = (byte) (b.length / 4 - 1);
        b[7] = 1;                                 // SSRC 1
        b[8] = 1;                                 // CNAME
        b[9] = (byte) 255;
        java.util.Arrays.fill(b, 10, 10 + 255, (byte) 0xff); // never valid UTF-8: each becomes U+FFFD (3 bytes)
        List<RtcpPacket> parsed = RtcpCompound.parse(b, 0, b.length);
        SourceDescription sdes = (SourceDescription) parsed.get(0);
        String cname = sdes.chunks().get(0).cname();
        assertEquals(85, cname.length(), "85 replacement characters are 255 bytes");
        byte[] written = RtcpCompound.write(parsed);
        assertEquals(parsed, RtcpCompound.parse(written, 0, written.length), "what we parsed writes back and reads the same");
    }
}
