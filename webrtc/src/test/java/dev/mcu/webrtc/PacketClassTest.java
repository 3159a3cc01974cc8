package dev.mcu.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PacketClassTest {

    static Stream<Arguments> firstBytes() {
        return Stream.of(
                Arguments.of("STUN binding request", new byte[] {0x00, 0x01}, PacketClass.STUN),
                Arguments.of("STUN, highest first byte", new byte[] {0x03, 0x00}, PacketClass.STUN),
                Arguments.of("ZRTP range is not ours", new byte[] {0x10, 0x00}, PacketClass.UNKNOWN),
                Arguments.of("DTLS change_cipher_spec (20)", new byte[] {20, (byte) 0xfe}, PacketClass.DTLS),
                Arguments.of("DTLS handshake (22)", new byte[] {22, (byte) 0xfe}, PacketClass.DTLS),
                Arguments.of("DTLS, highest first byte (63)", new byte[] {63, 0}, PacketClass.DTLS),
                Arguments.of("TURN channel data is not ours", new byte[] {64, 0}, PacketClass.UNKNOWN),
                Arguments.of("RTP, PT 111 (Opus)", new byte[] {(byte) 0x80, 111}, PacketClass.RTP),
                Arguments.of("RTP, PT 96 with marker", new byte[] {(byte) 0x80, (byte) (0x80 | 96)}, PacketClass.RTP),
                Arguments.of("RTP, PT 0 (PCMU)", new byte[] {(byte) 0x80, 0}, PacketClass.RTP),
                Arguments.of("RTP, PT 63 just below RTCP", new byte[] {(byte) 0x80, 63}, PacketClass.RTP),
                Arguments.of("RTCP SR (200)", new byte[] {(byte) 0x80, (byte) 200}, PacketClass.RTCP),
                Arguments.of("RTCP RR (201) with report count", new byte[] {(byte) 0x81, (byte) 201}, PacketClass.RTCP),
                Arguments.of("RTCP PSFB (206)", new byte[] {(byte) 0x81, (byte) 206}, PacketClass.RTCP),
                Arguments.of("RTCP type 192 (lowest)", new byte[] {(byte) 0x80, (byte) 192}, PacketClass.RTCP),
                Arguments.of("type 223 (highest RTCP)", new byte[] {(byte) 0x80, (byte) 223}, PacketClass.RTCP),
                Arguments.of("PT 96 is RTP again after 95", new byte[] {(byte) 0x80, (byte) 224}, PacketClass.RTP),
                Arguments.of("version 2, highest first byte (191)", new byte[] {(byte) 191, 96}, PacketClass.RTP),
                Arguments.of("192 is above RTP's range", new byte[] {(byte) 192, 96}, PacketClass.UNKNOWN),
                Arguments.of("255", new byte[] {(byte) 255, 0}, PacketClass.UNKNOWN),
                Arguments.of("RTP range but one byte only", new byte[] {(byte) 0x80}, PacketClass.UNKNOWN),
                Arguments.of("empty", new byte[0], PacketClass.UNKNOWN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("firstBytes")
    void aPacketIsSortedByItsFirstBytes(String name, byte[] packet, PacketClass expected) {
        assertEquals(expected, PacketClass.classify(packet));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("firstBytes")
    void anOffsetIntoALargerBufferGivesTheSameAnswer(String name, byte[] packet, PacketClass expected) {
        byte[] framed = new byte[packet.length + 3];
        framed[0] = 0x00; // would read as STUN if the offset were ignored
        System.arraycopy(packet, 0, framed, 2, packet.length);
        assertEquals(expected, PacketClass.classify(framed, 2, packet.length));
    }
}
