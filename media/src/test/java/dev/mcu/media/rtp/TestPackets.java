package dev.mcu.media.rtp;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Test helpers: bytes from annotated hex, packets from payloads. */
public final class TestPackets {
    public static final int PT = 96;
    public static final long SSRC = 0x11223344L;

    private TestPackets() {
    }

    /** "7c 85 | 01 02" -> bytes; spaces and '|' separate nothing but the reader's eye. */
    public static byte[] hex(String annotated) {
        return HexFormat.of().parseHex(annotated.replaceAll("[\\s|]", ""));
    }

    public static String hex(byte[] bytes) {
        return HexFormat.ofDelimiter(" ").formatHex(bytes);
    }

    public static RtpPacket packet(int seq, long timestamp, boolean marker, byte[] payload) {
        return RtpPacket.parse(RtpPacket.build(PT, marker, seq & 0xffff, timestamp, SSRC, payload));
    }

    public static List<RtpPacket> parseAll(List<byte[]> packets) {
        List<RtpPacket> out = new ArrayList<>(packets.size());
        for (byte[] p : packets) {
            out.add(RtpPacket.parse(p));
        }
        return out;
    }
}
