package dev.mcu.webrtc;

import static dev.mcu.webrtc.TestBytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StunMessageTest {

    @Test
    void theRfc5769SampleRequestParsesAndVerifies() {
        StunMessage request = StunMessage.parse(Rfc5769Vectors.REQUEST);

        assertNotNull(request);
        assertEquals(StunMessage.BINDING_REQUEST, request.type());
        assertEquals(1, request.method());
        assertTrue(request.isRequest());
        assertArrayEquals(Rfc5769Vectors.TRANSACTION_ID, request.transactionId());
        assertEquals("evtj:h6vY", request.attribute(StunAttribute.USERNAME).text());
        assertEquals("STUN test client", request.attribute(StunAttribute.SOFTWARE).text());
        assertEquals(0x6e0001ffL, request.attribute(StunAttribute.PRIORITY).uint32());
        assertEquals(0x932ff9b151263b36L, request.attribute(StunAttribute.ICE_CONTROLLED).uint64());
        assertTrue(request.fingerprintValid());
        assertTrue(request.integrityValid(StunIntegrity.newMac(Rfc5769Vectors.PASSWORD)));
        assertFalse(request.integrityValid(StunIntegrity.newMac("not the password")));
    }

    @Test
    void theRfc5769SampleRequestIsRebuiltByteForByte() {
        byte[] built = new StunMessageBuilder(StunMessage.BINDING_REQUEST, Rfc5769Vectors.TRANSACTION_ID)
                .paddingByte(0x20)
                .add(StunAttribute.software("STUN test client"))
                .add(StunAttribute.priority(0x6e0001ffL))
                .add(StunAttribute.iceControlled(0x932ff9b151263b36L))
                .add(StunAttribute.username("evtj:h6vY"))
                .build(StunIntegrity.newMac(Rfc5769Vectors.PASSWORD), true);

        assertEquals(TestBytes.hex(Rfc5769Vectors.REQUEST), TestBytes.hex(built));
    }

    @Test
    void theRfc5769Ipv4ResponseDecodesAndIsRebuiltByteForByte() throws Exception {
        InetSocketAddress mapped = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853);
        assertResponse(Rfc5769Vectors.IPV4_RESPONSE, mapped);
    }

    @Test
    void theRfc5769Ipv6ResponseDecodesAndIsRebuiltByteForByte() throws Exception {
        InetSocketAddress mapped = new InetSocketAddress(
                InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853);
        assertResponse(Rfc5769Vectors.IPV6_RESPONSE, mapped);
    }

    private static void assertResponse(byte[] vector, InetSocketAddress mapped) {
        StunMessage response = StunMessage.parse(vector);
        assertNotNull(response);
        assertEquals(StunMessage.BINDING_SUCCESS_RESPONSE, response.type());
        assertFalse(response.isRequest());
        assertEquals(mapped, XorMappedAddress.decode(response.attribute(StunAttribute.XOR_MAPPED_ADDRESS),
                response.transactionId()));
        assertTrue(response.fingerprintValid());
        assertTrue(response.integrityValid(StunIntegrity.newMac(Rfc5769Vectors.PASSWORD)));

        byte[] built = new StunMessageBuilder(StunMessage.BINDING_SUCCESS_RESPONSE, Rfc5769Vectors.TRANSACTION_ID)
                .paddingByte(0x20)
                .add(StunAttribute.software("test vector"))
                .add(XorMappedAddress.encode(mapped, Rfc5769Vectors.TRANSACTION_ID))
                .build(StunIntegrity.newMac(Rfc5769Vectors.PASSWORD), true);
        assertEquals(TestBytes.hex(vector), TestBytes.hex(built));
    }

    @Test
    void aFlippedBitAnywhereBeforeTheFingerprintIsDetected() {
        for (int i = 0; i < Rfc5769Vectors.REQUEST.length - 8; i++) {
            if (i == 2 || i == 3 || (i >= 4 && i < 8)) {
                continue; // length and cookie changes fail parsing instead
            }
            byte[] bent = Rfc5769Vectors.REQUEST.clone();
            bent[i] ^= 0x01;
            StunMessage parsed = StunMessage.parse(bent);
            if (parsed != null) {
                assertFalse(parsed.fingerprintValid(), "byte " + i);
            }
        }
    }

    @Test
    void attributesAfterMessageIntegrityOtherThanFingerprintAreIgnored() {
        byte[] withTrailing = new StunMessageBuilder(StunMessage.BINDING_REQUEST, Rfc5769Vectors.TRANSACTION_ID)
                .add(StunAttribute.username("a:b"))
                .build(StunIntegrity.newMac("password"), false);
        // Append SOFTWARE after MESSAGE-INTEGRITY and fix the length.
        byte[] extra = hex("80 22 00 04 61 62 63 64");
        byte[] message = new byte[withTrailing.length + extra.length];
        System.arraycopy(withTrailing, 0, message, 0, withTrailing.length);
        System.arraycopy(extra, 0, message, withTrailing.length, extra.length);
        message[3] = (byte) (message.length - StunMessage.HEADER_SIZE);

        StunMessage parsed = StunMessage.parse(message);

        assertNotNull(parsed);
        assertNull(parsed.attribute(StunAttribute.SOFTWARE));
        assertTrue(parsed.integrityValid(StunIntegrity.newMac("password")));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("shorter than a header", hex("00 01 00 00 21 12 a4 42 00 00")),
                Arguments.of("first two bits set", hex("c0 01 00 00 21 12 a4 42 000000000000000000000000")),
                Arguments.of("wrong magic cookie", hex("00 01 00 00 21 12 a4 43 000000000000000000000000")),
                Arguments.of("length not a multiple of 4", hex("00 01 00 02 21 12 a4 42 000000000000000000000000 0000")),
                Arguments.of("length beyond the datagram", hex("00 01 00 08 21 12 a4 42 000000000000000000000000 80220004")),
                Arguments.of("attribute overruns the message",
                        hex("00 01 00 08 21 12 a4 42 000000000000000000000000 80220008 61626364")),
                Arguments.of("MESSAGE-INTEGRITY of the wrong size",
                        hex("00 01 00 08 21 12 a4 42 000000000000000000000000 00080004 61626364")),
                Arguments.of("FINGERPRINT not last",
                        hex("00 01 00 10 21 12 a4 42 000000000000000000000000 80280004 00000000 80220004 61626364")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedMessagesParseToNull(String name, byte[] bytes) {
        assertNull(StunMessage.parse(bytes));
    }

    @Test
    void errorCodeCarriesClassAndNumber() {
        StunAttribute error = StunAttribute.errorCode(487, "Role Conflict");
        assertEquals(487, error.errorCode());
        assertArrayEquals(hex("00 00 04 57"), java.util.Arrays.copyOf(error.value(), 4));
    }
}
