package dev.mcu.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mcu.webrtc.BindingOutcome;
import dev.mcu.webrtc.IceCredentials;
import dev.mcu.webrtc.IceLiteAgent;
import dev.mcu.webrtc.PacketClass;
import dev.mcu.webrtc.StunAttribute;
import dev.mcu.webrtc.StunIntegrity;
import dev.mcu.webrtc.StunMessage;
import dev.mcu.webrtc.StunMessageBuilder;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What arrives on the shared WebRTC port: the demux (RFC 7983 first-byte classes) and the ICE-lite
 * agent's STUN checks. The fuzzer cannot compute CRC-32 or HMAC-SHA1, so half the inputs get a
 * valid MESSAGE-INTEGRITY and FINGERPRINT added by the harness (as a browser that knows the ICE
 * password would send) to reach the checks behind them. Properties: classification is total, a
 * STUN answer always parses and carries the request's transaction ID, and only a request with the
 * right credentials is answered with success.
 */
class SharedPortFuzzTest {
    private static final IceCredentials LOCAL = new IceCredentials("mcuUfrag", "mcuPassword0123456789abcd");
    private static final String REMOTE_UFRAG = "brws";
    private static final InetSocketAddress BROWSER = new InetSocketAddress("127.0.0.1", 50000);

    @FuzzTest
    void sharedPortDemuxAndIceLite(FuzzedDataProvider data) {
        boolean signed = data.consumeBoolean();
        byte[] packet = signed ? signedRequest(data) : data.consumeRemainingAsBytes();
        PacketClass kind = PacketClass.classify(packet);
        assertNotNull(kind);
        if (kind != PacketClass.STUN) {
            return;
        }
        IceLiteAgent agent = new IceLiteAgent(LOCAL, REMOTE_UFRAG, 0);
        IceLiteAgent.Response response = agent.handleBindingRequest(packet, BROWSER, 1);
        assertEquals(response.outcome().answered(), response.hasPacket());
        if (response.hasPacket()) {
            StunMessage request = StunMessage.parse(packet);
            StunMessage answer = StunMessage.parse(response.packet());
            assertNotNull(answer, "our STUN answer does not parse");
            assertTrue(answer.fingerprintValid());
            assertEquals(new String(request.transactionId()), new String(answer.transactionId()));
        }
        if (response.outcome() == BindingOutcome.ANSWERED) {
            StunMessage request = StunMessage.parse(packet);
            assertTrue(request.integrityValid(StunIntegrity.newMac(LOCAL.password())), "answered a forged request");
            assertEquals(LOCAL.ufrag() + ":" + REMOTE_UFRAG, request.attribute(StunAttribute.USERNAME).text());
        }
    }

    /** A request of fuzzed type and attributes, with the integrity and fingerprint a real peer would add. */
    private static byte[] signedRequest(FuzzedDataProvider data) {
        int type = data.consumeBoolean() ? StunMessage.BINDING_REQUEST : data.consumeInt(0, 0x3fff);
        byte[] transactionId = data.consumeBytes(StunMessage.TRANSACTION_ID_SIZE);
        if (transactionId.length < StunMessage.TRANSACTION_ID_SIZE) {
            transactionId = java.util.Arrays.copyOf(transactionId, StunMessage.TRANSACTION_ID_SIZE);
        }
        StunMessageBuilder builder = new StunMessageBuilder(type, transactionId);
        if (data.consumeBoolean()) {
            builder.add(StunAttribute.username(LOCAL.ufrag() + ":" + REMOTE_UFRAG));
        }
        int attributes = data.consumeInt(0, 6);
        for (int i = 0; i < attributes; i++) {
            builder.add(new StunAttribute(data.consumeInt(0, 0xffff), data.consumeBytes(data.consumeInt(0, 64))));
        }
        return builder.build(StunIntegrity.newMac(LOCAL.password()), true);
    }
}
