package dev.mcu.webrtc;

import static dev.mcu.webrtc.TestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * RFC 3711 Appendix B.2: the AES-CM keystream for session key 2B7E... and session salt F0F1...FCFD.
 * With SSRC 0 and index 0 the IV is the salt shifted by 16 bits, so encrypting a zero payload
 * exposes the keystream.
 */
class AesCmKeystreamTest {
    private static final SrtpSessionKeys KEYS = new SrtpSessionKeys(
            hex("2B7E151628AED2A6ABF7158809CF4F3C"), new byte[20], hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"),
            hex("2B7E151628AED2A6ABF7158809CF4F3C"), new byte[20], hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"));
    private static final int HEADER = 12;
    private static final int BLOCKS = 0xFF02;

    @Test
    void theKeystreamMatchesAppendixB2AtBothEndsOfTheSegment() throws Exception {
        byte[] packet = new byte[HEADER + BLOCKS * 16 + 10];
        packet[0] = (byte) 0x80; // version 2; SSRC 0, sequence 0, zero payload

        new AesCmHmacSha1Transform(KEYS, 10).protectRtp(packet, 0, HEADER + BLOCKS * 16, HEADER, 0, 0);

        assertEquals(TestBytes.hex(hex("""
                E03EAD0935C95E80E166B16DD92B4EB4   // counter 0000
                D23513162B02D0F72A43A2FE4A5F97AB   // counter 0001
                41E95B3BB0A2E8DD477901E4FCA894C0   // counter 0002
                """)), TestBytes.hex(block(packet, 0, 3)));
        assertEquals(TestBytes.hex(hex("""
                EC8CDF7398607CB0F2D21675EA9EA1E4   // counter FEFF
                362B7C3C6773516318A077D7FC5073AE   // counter FF00
                6A2CC3787889374FBEB4C81B17BA6C44   // counter FF01
                """)), TestBytes.hex(block(packet, 0xFEFF, 3)));
    }

    private static byte[] block(byte[] packet, int first, int count) {
        int from = HEADER + first * 16;
        return Arrays.copyOfRange(packet, from, from + count * 16);
    }
}
