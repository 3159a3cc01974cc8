package dev.mcu.webrtc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IceLiteAgentTest {
    private static final IceCredentials LOCAL = new IceCredentials("mcuUfrag", "mcuPassword0123456789abcd");
    private static final String REMOTE_UFRAG = "brws";
    private static final InetSocketAddress BROWSER = new InetSocketAddress("127.0.0.1", 50_000);
    private static final InetSocketAddress BROWSER_V6 = new InetSocketAddress("::1", 50_002);
    private static final byte[] TID = TestBytes.hex("0102030405060708090a0b0c");

    private final IceLiteAgent agent = new IceLiteAgent(LOCAL, REMOTE_UFRAG, 0);

    /** A browser's connectivity check: what Chrome sends to an ICE-lite server. */
    private static StunMessageBuilder check() {
        return new StunMessageBuilder(StunMessage.BINDING_REQUEST, TID)
                .add(StunAttribute.username(LOCAL.ufrag() + ":" + REMOTE_UFRAG))
                .add(StunAttribute.iceControlling(0x1234_5678_9abc_def0L))
                .add(StunAttribute.priority(1_853_817_087L));
    }

    private static byte[] signed(StunMessageBuilder builder) {
        return builder.build(StunIntegrity.newMac(LOCAL.password()), true);
    }

    @Test
    void aValidCheckIsAnsweredWithTheSourceAddressSignedWithOurPassword() {
        IceLiteAgent.Response response = agent.handleBindingRequest(signed(check()), BROWSER, 1_000);

        assertEquals(BindingOutcome.ANSWERED, response.outcome());
        StunMessage answer = StunMessage.parse(response.packet());
        assertNotNull(answer);
        assertEquals(StunMessage.BINDING_SUCCESS_RESPONSE, answer.type());
        assertArrayEquals(TID, answer.transactionId());
        assertEquals(BROWSER, XorMappedAddress.decode(answer.attribute(StunAttribute.XOR_MAPPED_ADDRESS), TID));
        assertTrue(answer.integrityValid(StunIntegrity.newMac(LOCAL.password())));
        assertTrue(answer.fingerprintValid());
        assertNull(agent.nominatedAddress(), "no USE-CANDIDATE yet");
    }

    @Test
    void anIpv6SourceIsReflectedAsIpv6() {
        IceLiteAgent.Response response = agent.handleBindingRequest(signed(check()), BROWSER_V6, 1_000);

        StunMessage answer = StunMessage.parse(response.packet());
        assertEquals(BROWSER_V6, XorMappedAddress.decode(answer.attribute(StunAttribute.XOR_MAPPED_ADDRESS), TID));
    }

    @Test
    void useCandidateNominatesThePairItCameFrom() {
        agent.handleBindingRequest(signed(check()), BROWSER, 1_000);
        agent.handleBindingRequest(signed(check().add(StunAttribute.useCandidate())), BROWSER_V6, 2_000);

        assertEquals(BROWSER_V6, agent.nominatedAddress());
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                Arguments.of("no USERNAME", (UnaryOperator<byte[]>) x -> signed(
                        new StunMessageBuilder(StunMessage.BINDING_REQUEST, TID)
                                .add(StunAttribute.iceControlling(1))),
                        BindingOutcome.REJECTED_BAD_REQUEST, 400, false),
                Arguments.of("no MESSAGE-INTEGRITY", (UnaryOperator<byte[]>) x -> check().build(true),
                        BindingOutcome.REJECTED_BAD_REQUEST, 400, false),
                Arguments.of("USERNAME for another session", (UnaryOperator<byte[]>) x -> signed(
                        new StunMessageBuilder(StunMessage.BINDING_REQUEST, TID)
                                .add(StunAttribute.username(LOCAL.ufrag() + ":someoneElse"))),
                        BindingOutcome.REJECTED_UNKNOWN_USERNAME, 401, false),
                Arguments.of("signed with another password", (UnaryOperator<byte[]>) x ->
                        check().build(StunIntegrity.newMac("the wrong password here"), true),
                        BindingOutcome.REJECTED_BAD_INTEGRITY, 401, false),
                Arguments.of("an unknown comprehension-required attribute", (UnaryOperator<byte[]>) x ->
                        signed(check().add(new StunAttribute(0x7777, new byte[] {1, 2, 3, 4}))),
                        BindingOutcome.REJECTED_UNKNOWN_ATTRIBUTE, 420, true),
                Arguments.of("the peer claims the controlled role too", (UnaryOperator<byte[]>) x -> signed(
                        new StunMessageBuilder(StunMessage.BINDING_REQUEST, TID)
                                .add(StunAttribute.username(LOCAL.ufrag() + ":" + REMOTE_UFRAG))
                                .add(StunAttribute.iceControlled(42))),
                        BindingOutcome.REJECTED_ROLE_CONFLICT, 487, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void aBadCheckGetsAnErrorResponseAndNoConsent(String name, UnaryOperator<byte[]> request, BindingOutcome outcome,
                                                  int code, boolean signedByUs) {
        IceLiteAgent.Response response = agent.handleBindingRequest(request.apply(null), BROWSER, 29_000);

        assertEquals(outcome, response.outcome());
        StunMessage error = StunMessage.parse(response.packet());
        assertNotNull(error);
        assertEquals(StunMessage.BINDING_ERROR_RESPONSE, error.type());
        assertEquals(code, error.attribute(StunAttribute.ERROR_CODE).errorCode());
        assertTrue(error.fingerprintValid());
        assertEquals(signedByUs, error.hasIntegrity());
        assertEquals(1, agent.count(outcome));
        assertEquals(0, agent.count(BindingOutcome.ANSWERED));
        assertTrue(agent.consentExpired(30_000), "a rejected check must not refresh consent");
        assertNull(agent.nominatedAddress());
    }

    @Test
    void unknownAttributesAreListedInThe420() {
        byte[] request = signed(check().add(new StunAttribute(0x7777, new byte[4])));

        StunMessage error = StunMessage.parse(agent.handleBindingRequest(request, BROWSER, 0).packet());

        assertArrayEquals(new byte[] {0x77, 0x77}, error.attribute(StunAttribute.UNKNOWN_ATTRIBUTES).value());
    }

    @Test
    void unknownComprehensionOptionalAttributesAreIgnored() {
        byte[] request = signed(check().add(new StunAttribute(0xC057, new byte[] {0, 1, 0, 0})));

        assertEquals(BindingOutcome.ANSWERED, agent.handleBindingRequest(request, BROWSER, 0).outcome());
    }

    static Stream<Arguments> dropped() {
        byte[] valid = signed(check());
        byte[] badFingerprint = valid.clone();
        badFingerprint[badFingerprint.length - 1] ^= 1;
        byte[] noFingerprint = check().build(StunIntegrity.newMac(LOCAL.password()), false);
        byte[] indication = new StunMessageBuilder(StunMessage.BINDING_INDICATION, TID).build(true);
        byte[] response = new StunMessageBuilder(StunMessage.BINDING_SUCCESS_RESPONSE, TID).build(true);
        byte[] allocate = new StunMessageBuilder(0x0003, TID).build(true);
        return Stream.of(
                Arguments.of("an RTP packet", TestBytes.hex("80 60 00 01 00 00 00 00 de ad be ef"),
                        BindingOutcome.DROPPED_MALFORMED),
                Arguments.of("a truncated check", java.util.Arrays.copyOf(valid, 30), BindingOutcome.DROPPED_MALFORMED),
                Arguments.of("a corrupted FINGERPRINT", badFingerprint, BindingOutcome.DROPPED_BAD_FINGERPRINT),
                Arguments.of("a check without FINGERPRINT", noFingerprint, BindingOutcome.DROPPED_NO_FINGERPRINT),
                Arguments.of("a Binding indication", indication, BindingOutcome.DROPPED_INDICATION),
                Arguments.of("a Binding response", response, BindingOutcome.DROPPED_UNEXPECTED),
                Arguments.of("a TURN Allocate request", allocate, BindingOutcome.DROPPED_UNEXPECTED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dropped")
    void packetsFailingTheBasicChecksAreDroppedSilentlyAndCounted(String name, byte[] packet, BindingOutcome outcome) {
        IceLiteAgent.Response response = agent.handleBindingRequest(packet, BROWSER, 0);

        assertEquals(outcome, response.outcome());
        assertFalse(response.hasPacket());
        assertEquals(1, agent.count(outcome));
    }

    @Test
    void theRfc5769SampleRequestAuthenticatesButConflictsBecauseItIsControlled() {
        IceLiteAgent rfcAgent = new IceLiteAgent(new IceCredentials("evtj", Rfc5769Vectors.PASSWORD), "h6vY", 0);

        IceLiteAgent.Response response = rfcAgent.handleBindingRequest(Rfc5769Vectors.REQUEST, BROWSER, 0);

        assertEquals(BindingOutcome.REJECTED_ROLE_CONFLICT, response.outcome());
    }

    @Test
    void consentLastsThirtySecondsAfterTheLastValidCheck() {
        assertFalse(agent.consentExpired(29_999), "consent runs from creation until the first check");
        assertTrue(agent.consentExpired(30_000));

        agent.handleBindingRequest(signed(check()), BROWSER, 40_000);

        assertFalse(agent.consentExpired(69_999));
        assertTrue(agent.consentExpired(70_000));
    }

    @Test
    void generatedCredentialsMeetIceLengthRules() {
        IceCredentials generated = IceCredentials.generate(new Random(7));

        assertTrue(IceCredentials.isValid(generated.ufrag(), 4, 256));
        assertTrue(IceCredentials.isValid(generated.password(), 22, 256));
        assertFalse(generated.toString().contains(generated.password()));
    }

    @Test
    void randomBytesNeverThrowAndAreCountedAsDrops() {
        Random random = new Random(1);
        long total = 0;
        for (int i = 0; i < 2_000; i++) {
            byte[] junk = new byte[random.nextInt(120)];
            random.nextBytes(junk);
            if (junk.length > 0) {
                junk[0] &= 0x03; // make it look like STUN
            }
            agent.handleBindingRequest(junk, BROWSER, 0);
            total++;
        }
        long counted = agent.counts().values().stream().mapToLong(Long::longValue).sum();
        assertEquals(total, counted);
        assertEquals(0, agent.count(BindingOutcome.ANSWERED));
    }
}
