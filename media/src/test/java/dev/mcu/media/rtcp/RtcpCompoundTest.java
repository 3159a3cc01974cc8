package dev.mcu.media.rtcp;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static dev.mcu.media.rtcp.RtcpPacketsTest.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RtcpCompoundTest {
    private static final ReceiverReport RR = new ReceiverReport(42,
            List.of(new ReportBlock(7, 12, 3, 1000, 5, 0, 0)));
    private static final SourceDescription SDES = SourceDescription.ofCname(42, "mcu@example");
    private static final PictureLossIndication PLI = new PictureLossIndication(42, 7);

    @Test
    void aCompoundPacketParsesIntoItsPartsInOrder() {
        byte[] wire = RtcpCompound.write(List.of(RR, SDES, PLI));
        assertEquals(List.of(RR, SDES, PLI), RtcpCompound.parse(wire));
    }

    @Test
    void unknownPacketTypesAreSkipped() {
        byte[] app = bytes(
                0x80, 204, 0x00, 0x02,      // APP, length=2 (12 bytes)
                0, 0, 0, 42,                // ssrc
                'n', 'a', 'm', 'e');        // name
        byte[] wire = concat(RtcpCompound.write(List.of(RR)), app, RtcpCompound.write(List.of(PLI)));
        assertEquals(List.of(RR, PLI), RtcpCompound.parse(wire));
    }

    @Test
    void aBrokenPacketInsideAValidLengthIsSkippedAndTheRestKept() {
        byte[] brokenSr = bytes(
                0x82, 200, 0x00, 0x06,      // SR claiming RC=2 in 28 bytes: no room for blocks
                0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        byte[] wire = concat(brokenSr, RtcpCompound.write(List.of(SDES)));
        assertEquals(List.of(SDES), RtcpCompound.parse(wire));
    }

    @Test
    void aTruncatedLastPacketLeavesTheEarlierOnes() {
        byte[] whole = RtcpCompound.write(List.of(RR, SDES));
        assertEquals(List.of(RR), RtcpCompound.parse(whole, 0, whole.length - 3));
    }

    @Test
    void paddingAtTheEndIsIgnored() {
        byte[] wire = bytes(
                0xa0, 201, 0x00, 0x02,      // V=2 P=1 RC=0, RR, length=2 (12 bytes)
                0x00, 0x00, 0x00, 0x2a,     // sender ssrc=42
                0x00, 0x00, 0x00, 0x04);    // 4 bytes of padding, the last says 4
        assertEquals(List.of(new ReceiverReport(42, List.of())), RtcpCompound.parse(wire));
    }

    @Test
    void somethingThatIsNotRtcpParsesToNull() {
        assertNull(RtcpCompound.parse(new byte[0]));
        assertNull(RtcpCompound.parse(bytes(0x00, 201, 0x00, 0x01, 0, 0, 0, 0)));   // version 0
        assertNull(RtcpCompound.parse(bytes(0x80, 201, 0x00, 0x09, 0, 0, 0, 0)));   // length past the end
    }

    @Test
    void randomBytesNeverThrow() {
        Random random = new Random(4733);
        byte[] valid = RtcpCompound.write(List.of(RR, SDES, PLI,
                new GenericNack(1, 2, List.of(1, 2, 3)), new Bye(List.of(1L), "x")));
        for (int i = 0; i < 50_000; i++) {
            byte[] fuzz = valid.clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                fuzz[random.nextInt(fuzz.length)] = (byte) random.nextInt(256);
            }
            RtcpCompound.parse(fuzz, 0, random.nextInt(fuzz.length + 1));
            byte[] noise = new byte[random.nextInt(64)];
            random.nextBytes(noise);
            RtcpCompound.parse(noise);
        }
    }

    static byte[] concat(byte[]... parts) {
        int size = 0;
        for (byte[] part : parts) {
            size += part.length;
        }
        byte[] out = new byte[size];
        int p = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, p, part.length);
            p += part.length;
        }
        return out;
    }
}
