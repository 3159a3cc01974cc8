package dev.mcu.sip;

import dev.mcu.sip.testing.TestSipExecutors;
import dev.mcu.media.Direction;
import dev.mcu.media.Codec;
import dev.mcu.media.MediaKind;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.sdp.MediaCapabilities;
import dev.mcu.sdp.SdpNegotiator;
import dev.mcu.sdp.SessionDescription;
import dev.mcu.sip.testing.FakeMediaTransportFactory;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;
import dev.mcu.transport.MediaListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SipServerTest {
    final TestSipExecutors executors = new TestSipExecutors();
    private static final int WAIT = SipTestPhone.TIMEOUT_SECONDS;

    static final String AUDIO_VIDEO_OFFER = "v=0\r\no=alice 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 49170 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n"
            + "m=video 51372 RTP/AVP 96 97\r\n"
            + "a=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=0;profile-level-id=42e01f\r\n"
            + "a=rtpmap:97 H264/90000\r\na=fmtp:97 packetization-mode=1;profile-level-id=42e01f\r\n";

    /** The application side: admission by room name, and every event in a queue. */
    static final class RecordingHandler implements ConferenceHandler {
        final Map<String, Admission> rooms = new ConcurrentHashMap<>();
        final BlockingQueue<JoinRequest> admitted = new LinkedBlockingQueue<>();
        final BlockingQueue<Call> started = new LinkedBlockingQueue<>();
        final BlockingQueue<Call> updated = new LinkedBlockingQueue<>();
        final BlockingQueue<String> ended = new LinkedBlockingQueue<>();
        final BlockingQueue<String> abandoned = new LinkedBlockingQueue<>();
        volatile CountDownLatch admitGate = new CountDownLatch(0);
        volatile RuntimeException admitFailure; // thrown by admit when set

        @Override
        public Admission admit(JoinRequest request) {
            admitted.add(request);
            if (admitFailure != null) {
                throw admitFailure;
            }
            try {
                admitGate.await(WAIT, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (request.pin().isPresent() && !request.pin().get().equals("1234")) {
                return Admission.forbidden("wrong PIN");
            }
            return rooms.getOrDefault(request.room(), Admission.notFound("no room " + request.room()));
        }

        @Override public void onCallStarted(Call call) { started.add(call); }
        @Override public void onCallUpdated(Call call) { updated.add(call); }
        @Override public void onCallEnded(Call call, String reason) { ended.add(call.id() + ": " + reason); }
        @Override public void onCallAbandoned(JoinRequest request, String reason) { abandoned.add(request.callId() + ": " + reason); }
    }

    RecordingHandler handler;
    FakeMediaTransportFactory transports;
    SipServer server;
    SipTestPhone phone;
    int port;

    @BeforeEach
    void start() throws Exception {
        handler = new RecordingHandler();
        handler.rooms.put("demo", Admission.accept());
        handler.rooms.put("full", Admission.busy(30, "room demo is full"));
        transports = new FakeMediaTransportFactory(2);
        port = SipTestPhone.freePort();
        server = new SipServer(SipServerConfig.of("127.0.0.1", port), handler, transports,
                new SdpNegotiator(MediaCapabilities.defaults()), executors.executors());
        phone = new SipTestPhone("127.0.0.1", port);
    }

    @AfterEach
    void stop() {
        phone.close();
        server.close();
        executors.close();
        transports.close();
    }

    private SipTestPhone.Outgoing answeredCall(String sdp) throws Exception {
        SipTestPhone.Outgoing call = phone.invite("demo", sdp);
        PhoneResponse ok = call.awaitFinal();
        assertEquals(200, ok.status(), ok.reason());
        call.ack();
        assertNotNull(handler.started.poll(WAIT, TimeUnit.SECONDS), "onCallStarted after ACK");
        return call;
    }

    @Test
    void aCallToAnExistingRoomIsAnsweredAndTheTransportConfiguredFromTheOffer() throws Exception {
        SipTestPhone.Outgoing call = phone.invite("demo", AUDIO_VIDEO_OFFER);
        assertEquals(100, call.awaitProvisional().status());
        PhoneResponse ok = call.awaitFinal();
        assertEquals(200, ok.status());
        assertTrue(ok.header("Contact").contains("sip:demo@127.0.0.1:" + port), ok.header("Contact"));
        SessionDescription answer = SessionDescription.parse(ok.body());
        FakeMediaTransportFactory.FakeTransport t = transports.created().get(0);
        assertEquals(t.localPort(MediaKind.AUDIO), answer.media().get(0).port());
        assertEquals(t.localPort(MediaKind.VIDEO), answer.media().get(1).port());
        assertEquals(49170, t.last(MediaKind.AUDIO).remoteRtp().getPort());
        assertEquals(Codec.PCMU, t.last(MediaKind.AUDIO).stream().codec());
        assertEquals(97, t.last(MediaKind.VIDEO).stream().payloadType());
        assertFalse(t.last(MediaKind.AUDIO).rtcpMux());

        call.ack();
        Call started = handler.started.poll(WAIT, TimeUnit.SECONDS);
        assertNotNull(started);
        assertEquals("demo", started.room());
        assertEquals("Alice Tester", started.joinRequest().callerDisplayName());
        assertEquals(2, started.streams().size());
        assertEquals(1, server.calls().size());
    }

    /**
     * RFC 4566 allows a host name in c=; looking it up would hold the INVITE worker for as long
     * as the caller's chosen name takes to fail. It is answered without a lookup: the media
     * address stays unresolved until the caller's first packet latches.
     */
    @Test
    void aHostNameInTheOfferIsNotLookedUp() throws Exception {
        PhoneResponse ok = phone.invite("demo", AUDIO_VIDEO_OFFER.replace("c=IN IP4 127.0.0.1", "c=IN IP4 localhost"))
                .awaitFinal();
        assertEquals(200, ok.status(), ok.reason());
        InetSocketAddress remote = transports.created().get(0).last(MediaKind.AUDIO).remoteRtp();
        assertTrue(remote.isUnresolved(), "looked up: " + remote);
        assertEquals("localhost", remote.getHostString());
        assertEquals(49170, remote.getPort());
    }

    record Refusal(String name, String room, String sdp, int status) {
        @Override public String toString() { return name; }
    }

    static Stream<Refusal> refusals() {
        String g729 = "v=0\r\no=a 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 18\r\n";
        return Stream.of(
                new Refusal("an unknown room gets 404", "nowhere", AUDIO_VIDEO_OFFER, 404),
                new Refusal("a wrong PIN gets 403", "demo*9999", AUDIO_VIDEO_OFFER, 403),
                new Refusal("a wrong pin parameter gets 403", "demo;pin=0000", AUDIO_VIDEO_OFFER, 403),
                new Refusal("a full room gets 503", "full", AUDIO_VIDEO_OFFER, 503),
                new Refusal("no codec in common gets 488", "demo", g729, 488),
                new Refusal("malformed SDP gets 400", "demo", "v=0\r\nthis is not sdp\r\n", 400));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void refusedCallsGetTheStatusAPhoneUserUnderstands(Refusal r) throws Exception {
        PhoneResponse response = phone.invite(r.room(), r.sdp()).awaitFinal();
        assertEquals(r.status(), response.status(), response.reason() + " " + response.header("Warning"));
        assertEquals(0, transports.openTransports(), "no transport left open");
        assertTrue(server.calls().isEmpty());
    }

    @Test
    void aRightPinIsPassedToAdmission() throws Exception {
        assertEquals(200, phone.invite("demo*1234", AUDIO_VIDEO_OFFER).awaitFinal().status());
        JoinRequest join = handler.admitted.poll(WAIT, TimeUnit.SECONDS);
        assertEquals("demo", join.room());
        assertEquals("1234", join.pin().orElseThrow());
    }

    @Test
    void busyCarriesRetryAfterAndNoCodecCarriesAWarning() throws Exception {
        PhoneResponse busy = phone.invite("full", AUDIO_VIDEO_OFFER).awaitFinal();
        assertEquals("30", busy.header("Retry-After"));
        String g729 = "v=0\r\no=a 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 18\r\n";
        PhoneResponse notAcceptable = phone.invite("demo", g729).awaitFinal();
        assertTrue(notAcceptable.header("Warning").startsWith("305 "), notAcceptable.header("Warning"));
    }

    @Test
    void noFreePortsGets503WithRetryAfter() throws Exception {
        answeredCall(AUDIO_VIDEO_OFFER);
        answeredCall(AUDIO_VIDEO_OFFER);
        PhoneResponse third = phone.invite("demo", AUDIO_VIDEO_OFFER).awaitFinal();
        assertEquals(503, third.status());
        assertEquals("10", third.header("Retry-After"));
        assertEquals(1, server.protocolCounters().mediaPortsRefused(), "counted for mcu_sip_refused_total{reason=media-ports}");
    }

    @Test
    void a200OkThatCannotBeBuiltGets500AndFreesThePlace() throws Exception {
        // An answer header JAIN-SIP cannot parse (Expires is a number): building the 200 OK throws.
        handler.rooms.put("broken", Admission.accept().withAnswerHeaders(Map.of("Expires", "soon")));
        PhoneResponse answer = phone.invite("broken", AUDIO_VIDEO_OFFER).awaitFinal();
        assertEquals(500, answer.status(), "not silence: " + answer.reason());
        assertTrue(answer.header("Warning").contains("log says why"), answer.header("Warning"));
        assertNotNull(handler.abandoned.poll(WAIT, TimeUnit.SECONDS), "the handler gets the admitted place back");
        assertTrue(server.calls().isEmpty());
        assertEquals(0, transports.openTransports(), "the call's media transport is closed");
    }

    @Test
    void anAdmissionThatThrowsGets500() throws Exception {
        handler.admitFailure = new IllegalStateException("room registry unavailable");
        PhoneResponse answer = phone.invite("demo", AUDIO_VIDEO_OFFER).awaitFinal();
        assertEquals(500, answer.status(), answer.reason());
        handler.admitFailure = null;
        assertEquals(200, phone.invite("demo", AUDIO_VIDEO_OFFER).awaitFinal().status(), "the next call is answered");
    }

    @Test
    void cancelBeforeTheAnswerGets200AndTheInvite487() throws Exception {
        handler.admitGate = new CountDownLatch(1);
        SipTestPhone.Outgoing call = phone.invite("demo", AUDIO_VIDEO_OFFER);
        assertEquals(100, call.awaitProvisional().status());
        assertNotNull(handler.admitted.poll(WAIT, TimeUnit.SECONDS));
        assertEquals(200, call.cancel().status());
        assertEquals(487, call.awaitFinal().status());
        handler.admitGate.countDown();
        assertNull(handler.started.poll(300, TimeUnit.MILLISECONDS));
        assertTrue(server.calls().isEmpty());
    }

    @Test
    void optionsGets200WithAllowAcceptAndSupported() throws Exception {
        PhoneResponse r = phone.options("demo");
        assertEquals(200, r.status());
        String allow = r.header("Allow");
        for (String m : new String[] {"INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "INFO"}) {
            assertTrue(allow.contains(m), allow);
        }
        String accept = r.header("Accept");
        assertTrue(accept.contains("application/sdp") && accept.contains("application/media_control+xml")
                && accept.contains("application/dtmf-relay"), accept);
        assertNotNull(r.raw().getHeader("Supported"));
    }

    @Test
    void optionsWorksOverTcpToo() throws Exception {
        try (SipTestPhone tcpPhone = new SipTestPhone("127.0.0.1", port, "tcp", "bob")) {
            assertEquals(200, tcpPhone.options("demo").status());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"MESSAGE", "SUBSCRIBE", "FROBNICATE"})
    void methodsWeDoNotServeAreRefusedWith405Or501(String method) throws Exception {
        PhoneResponse r = phone.send(phone.newRequest(method, "demo"));
        assertEquals(method.equals("FROBNICATE") ? 501 : 405, r.status());
        assertTrue(r.header("Allow").contains("INVITE"));
    }

    @Test
    void byeFromThePhoneEndsTheCallAndClosesItsTransport() throws Exception {
        SipTestPhone.Outgoing call = answeredCall(AUDIO_VIDEO_OFFER);
        assertEquals(200, call.bye().status());
        String ended = handler.ended.poll(WAIT, TimeUnit.SECONDS);
        assertTrue(ended.contains("caller hung up"), ended);
        assertTrue(transports.created().get(0).isClosed());
        assertTrue(server.calls().isEmpty());
    }

    @Test
    void aCallThroughARecordRoutingProxyEchoesRecordRouteAndStarts() throws Exception {
        // The "proxy" is the server's own address, so in-dialog requests still reach it.
        javax.sip.header.Header rr = phone.headerFactory().createHeader("Record-Route", "<sip:127.0.0.1:" + port + ";lr>");
        SipTestPhone.Outgoing call = phone.invite("demo", AUDIO_VIDEO_OFFER, rr);
        PhoneResponse ok = call.awaitFinal();
        assertEquals(200, ok.status());
        assertEquals("<sip:127.0.0.1:" + port + ";lr>", ok.header("Record-Route"));
        call.ack();
        assertNotNull(handler.started.poll(WAIT, TimeUnit.SECONDS));
        assertEquals(200, call.bye().status());
    }

    @Test
    void hangupFromTheServerSendsByeToThePhone() throws Exception {
        SipTestPhone.Outgoing call = answeredCall(AUDIO_VIDEO_OFFER);
        server.calls().get(0).hangup();
        assertNotNull(call.awaitByeFromServer());
        assertTrue(handler.ended.poll(WAIT, TimeUnit.SECONDS).contains("hung up by the server"));
        assertTrue(transports.created().get(0).isClosed());
    }

    @Test
    void reInviteWithSendonlyPutsTheCallOnHoldAndBackOn() throws Exception {
        SipTestPhone.Outgoing call = answeredCall(AUDIO_VIDEO_OFFER);
        PhoneResponse hold = call.reinvite(AUDIO_VIDEO_OFFER.replace("o=alice 1 1", "o=alice 1 2")
                .replace("m=video", "a=sendonly\r\nm=video") + "a=inactive\r\n");
        assertEquals(200, hold.status());
        SessionDescription answer = SessionDescription.parse(hold.body());
        assertEquals(Direction.RECVONLY, answer.direction(answer.media().get(0)));
        assertEquals(Direction.INACTIVE, answer.direction(answer.media().get(1)));
        assertNotNull(handler.updated.poll(WAIT, TimeUnit.SECONDS));
        FakeMediaTransportFactory.FakeTransport t = transports.created().get(0);
        assertEquals(Direction.RECVONLY, t.last(MediaKind.AUDIO).stream().direction());

        PhoneResponse resume = call.reinvite(AUDIO_VIDEO_OFFER.replace("o=alice 1 1", "o=alice 1 3")
                .replace("49170", "49180"));
        assertEquals(200, resume.status());
        assertEquals(Direction.SENDRECV, t.last(MediaKind.AUDIO).stream().direction());
        assertEquals(49180, t.last(MediaKind.AUDIO).remoteRtp().getPort());
        // Our o= line keeps its session id and moves its version on each change.
        SessionDescription resumed = SessionDescription.parse(resume.body());
        assertEquals(answer.origin().sessionId(), resumed.origin().sessionId());
        assertEquals(answer.origin().sessionVersion() + 1, resumed.origin().sessionVersion());
    }

    @Test
    void anInviteWithoutSdpGetsOurOfferAndTheAckCarriesTheAnswer() throws Exception {
        SipTestPhone.Outgoing call = phone.invite("demo", null);
        PhoneResponse ok = call.awaitFinal();
        assertEquals(200, ok.status());
        SessionDescription offer = SessionDescription.parse(ok.body());
        assertEquals(2, offer.media().size());
        String answer = "v=0\r\no=alice 5 5 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio 30000 RTP/AVP 8\r\nm=video 0 RTP/AVP 96\r\n";
        call.ack(answer);
        Call started = handler.started.poll(WAIT, TimeUnit.SECONDS);
        assertNotNull(started);
        assertEquals(1, started.streams().size());
        assertEquals(Codec.PCMA, started.streams().get(0).codec());
        FakeMediaTransportFactory.FakeTransport t = transports.created().get(0);
        assertEquals(30000, t.last(MediaKind.AUDIO).remoteRtp().getPort());
        assertTrue(t.disabled.contains(MediaKind.VIDEO));
    }

    @Test
    void infoPictureFastUpdateAndDtmfRelayReachTheMediaListener() throws Exception {
        SipTestPhone.Outgoing call = answeredCall(AUDIO_VIDEO_OFFER);
        CountDownLatch keyframe = new CountDownLatch(1);
        BlockingQueue<Character> digits = new LinkedBlockingQueue<>();
        server.calls().get(0).setMediaListener(new MediaListener() {
            @Override public void onRtp(MediaKind kind, RtpPacket packet) { }
            @Override public void onKeyframeRequested() { keyframe.countDown(); }
            @Override public void onDtmf(char digit) { digits.add(digit); }
        });
        String xml = "<?xml version=\"1.0\" encoding=\"utf-8\" ?><media_control><vc_primitive><to_encoder>"
                + "<picture_fast_update/></to_encoder></vc_primitive></media_control>";
        assertEquals(200, call.info("application", "media_control+xml", xml).status());
        assertTrue(keyframe.await(WAIT, TimeUnit.SECONDS));
        assertEquals(200, call.info("application", "dtmf-relay", "Signal=5\r\nDuration=160\r\n").status());
        assertEquals('5', digits.poll(WAIT, TimeUnit.SECONDS));
        assertEquals(415, call.info("text", "plain", "hello").status());
    }

    /** The sample INVITE with loopback addresses; Via points back at the raw socket. */
    private String sampleInvite() throws Exception {
        String invite;
        try (InputStream in = getClass().getResourceAsStream("/samples/sip-invite-audio-video.txt")) {
            invite = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return invite.replace("alice.com:5060", "${phone}").replace("192.168.1.100", "127.0.0.1")
                .replace("bob@example.com", "demo@127.0.0.1:" + port).replace("@alice.com", "@127.0.0.1")
                .replace("example.com", "127.0.0.1");
    }

    record Raw(String name, java.util.function.UnaryOperator<String> edit, String expectedStatus) {
        @Override public String toString() { return name; }
    }

    static Stream<Raw> rawInvites() {
        return Stream.of(
                // A UAS needs no Max-Forwards (RFC 4475 §3.4.1), and the datagram's extra bytes are cut off (RFC 3261 §18.3).
                new Raw("the sample as it is (no Max-Forwards, Content-Length 245 for a longer body) is taken as a call",
                        s -> s, "SIP/2.0 100"),
                // JAIN-SIP trusts the datagram's end over a Content-Length that is too small.
                new Raw("the sample with Max-Forwards and a too small Content-Length is taken as a call",
                        s -> s.replace("CSeq: 1 INVITE\r\n", "CSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"), "SIP/2.0 100"),
                new Raw("the sample with Max-Forwards and a Content-Length past the end gets 400",
                        s -> s.replace("CSeq: 1 INVITE\r\n", "CSeq: 1 INVITE\r\nMax-Forwards: 70\r\n")
                                .replace("Content-Length: 245", "Content-Length: 900"), "SIP/2.0 400"),
                new Raw("the sample with a negative Content-Length gets 400",
                        s -> s.replace("Content-Length: 245", "Content-Length: -5"), "SIP/2.0 400"));
    }

    @ParameterizedTest
    @MethodSource("rawInvites")
    void malformedInvitesOverUdpAreAnswered(Raw raw) throws Exception {
        String status = phone.sendRaw(raw.edit().apply(sampleInvite()));
        assertNotNull(status, "the server answered");
        assertTrue(status.startsWith(raw.expectedStatus()), status);
    }

    @Test
    void aRequestWithABrokenHeaderGets400() throws Exception {
        String bad = "OPTIONS sip:demo@127.0.0.1:" + port + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP ${phone};branch=z9hG4bK-raw1;rport\r\n"
                + "From: <sip:x@127.0.0.1>;tag=1\r\nTo: <sip:demo@127.0.0.1>\r\nCall-ID: raw-1\r\n"
                + "CSeq: notanumber OPTIONS\r\nContent-Length: 0\r\n\r\n";
        String status = phone.sendRaw(bad);
        assertNotNull(status);
        assertTrue(status.startsWith("SIP/2.0 400"), status);
    }

    @Test
    void nonSipBytesAreDroppedSilently() throws Exception {
        assertNull(phone.sendRaw("\u0000\u0001garbage that is not SIP at all\r\n\r\n", 500));
        // And the server still works.
        assertEquals(200, phone.options("demo").status());
    }
}
