package dev.mcu.app;

import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.RawMediaPeer;
import dev.mcu.app.testing.RawMediaPeer.Port;
import dev.mcu.sip.testing.RawSip;
import dev.mcu.app.testing.SipRequestText;
import dev.mcu.app.testing.SyntheticParticipant;
import dev.mcu.app.testing.TestServers;
import dev.mcu.layouts.Layout;
import dev.mcu.layouts.LayoutSpec;
import dev.mcu.layouts.Layouts;
import dev.mcu.layouts.Tile;
import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import dev.mcu.media.I420Frame;
import dev.mcu.media.MediaKind;
import dev.mcu.media.analysis.Tones;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.sip.Call;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;
import dev.mcu.transport.TransportStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Broken SIP and broken RTP/RTCP thrown at a real server while two healthy phones confer in it.
 * Each row of a table names what is sent and what a careful server does with it: the exact SIP
 * status (with the headers that explain it), or silence when there is nobody to answer; for media,
 * the transport counts the datagram as dropped, or takes it in without harm. After every row the
 * server still answers OPTIONS, and the two phones still see each other's colours and hear each
 * other's tones.
 *
 * <p>Server A runs the conference (room "standup": red and green, and mallory, a call whose every
 * media datagram the test writes by hand). Server B has configured rooms (board, PIN 1234) and a
 * limit of two calls, both taken.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
    private static final int[] RED = {81, 90, 240};
    private static final int[] GREEN = {145, 54, 34};
    private static final int CHROMA_TOLERANCE = 24;
    private static final int SILENCE_MILLIS = 1500;
    private static final int ANSWER_MILLIS = 10_000;
    private static final String ROOM = "standup";

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private McuServer serverA;
    private McuServer serverB;
    private SyntheticParticipant red;
    private SyntheticParticipant green;
    private RawMediaPeer mallory;
    private String malloryCallId;
    private String redAnswer;
    private SipTestPhone phoneA;

    @BeforeAll
    void startTwoServersAndAConference() throws Exception {
        // One call on server A lives through every media case (minutes of broken media, no valid RTP):
        // the dead-call watchdog (media.timeoutSeconds) would rightly end it, so it is off here.
        serverA = closeLater(TestServers.start("media.timeoutSeconds=0"));
        int portA = serverA.config().sip().port();
        phoneA = closeLater(new SipTestPhone("127.0.0.1", portA, "udp", "prober"));
        red = closeLater(new SyntheticParticipant("red", Codec.OPUS, Codec.H264, 1, RED, 440));
        green = closeLater(new SyntheticParticipant("green", Codec.PCMU, Codec.VP8, 0, GREEN, 1100));
        redAnswer = join(portA, red);
        join(portA, green);
        mallory = closeLater(new RawMediaPeer("mallory"));
        SipTestPhone malloryPhone = closeLater(new SipTestPhone("127.0.0.1", portA, "udp", "mallory"));
        SipTestPhone.Outgoing call = malloryPhone.invite(ROOM, mallory.offer());
        PhoneResponse answer = call.awaitFinal();
        assertEquals(200, answer.status(), "mallory was not let in: " + answer.reason());
        call.ack();
        malloryCallId = call.dialog().getCallId().getCallId();
        mallory.start(answer.body());
        Await.until(Duration.ofSeconds(10), () -> serverA.roomSnapshot(ROOM).map(s -> s.participants() == 3).orElse(false),
                () -> "the room never had three participants: " + serverA.roomSnapshot(ROOM));

        serverB = closeLater(TestServers.start("rooms.list=[{name: board, pin: '1234'}]", "rooms.maxCalls=2",
                "media.timeoutSeconds=0"));
        int portB = serverB.config().sip().port();
        for (String who : List.of("first", "second")) {
            SipTestPhone phone = closeLater(new SipTestPhone("127.0.0.1", portB, "udp", who));
            SipTestPhone.Outgoing boardCall = phone.invite("board*1234", RawMediaPeer.audioOnlyOffer(who, 9));
            assertEquals(200, boardCall.awaitFinal().status(), who + " could not enter the board room");
            boardCall.ack();
        }
        assertHealthyPairConfers("the start");
    }

    private String join(int sipPort, SyntheticParticipant person) throws Exception {
        SipTestPhone phone = closeLater(new SipTestPhone("127.0.0.1", sipPort, "udp", person.name()));
        SipTestPhone.Outgoing call = phone.invite(ROOM, person.offer());
        PhoneResponse answer = call.awaitFinal();
        assertEquals(200, answer.status(), person.name() + " was not let in: " + answer.reason());
        call.ack();
        person.start(answer.body());
        return answer.body();
    }

    @AfterAll
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        toClose.add(resource);
        return resource;
    }

    @AfterEach
    void theServerStillAnswersAndTheRoomStillConfers(org.junit.jupiter.api.TestInfo test) throws Exception {
        assertEquals(200, phoneA.options(ROOM).status(), "server A stopped answering OPTIONS");
        assertEquals(200, RawSip.udp(serverB.config().sip().port(),
                SipRequestText.of("OPTIONS", "board", serverB.config().sip().port(), "UDP").toString(), ANSWER_MILLIS)
                .status(), "server B stopped answering OPTIONS");
        assertHealthyPairConfers(test.getDisplayName());
    }

    // ---------------------------------------------------------------- SIP

    enum Server { A, B }

    enum Transport { UDP, TCP }

    /** What a row expects back: a status with some headers (and text in them), or no answer at all. */
    record Outcome(int status, List<String[]> headers) {
        static Outcome silence() {
            return new Outcome(0, List.of());
        }

        static Outcome status(int status) {
            return new Outcome(status, List.of());
        }

        /** The response also carries {@code name}, and one of its values contains {@code text}. */
        Outcome with(String name, String text) {
            List<String[]> more = new ArrayList<>(headers);
            more.add(new String[] {name, text});
            return new Outcome(status, more);
        }

        @Override
        public String toString() {
            if (status == 0) {
                return "no answer";
            }
            StringBuilder out = new StringBuilder().append(status);
            headers.forEach(h -> out.append(" + ").append(h[0]).append(h[1].isEmpty() ? "" : " '" + h[1] + "'"));
            return out.toString();
        }
    }

    /** One row: {@code message} builds the request for the server's SIP port. */
    record SipCase(String name, Server server, Transport transport, IntFunction<String> message, Outcome expected) {
        @Override
        public String toString() {
            return name + " -> " + expected;
        }
    }

    static Stream<SipCase> sipCases() {
        return Stream.of(
                // JAIN-SIP cannot find a message in bytes like these and drops them without a word.
                udp("non-SIP bytes get no answer", p -> "\u0000\u0001\u00ff\u00fegarbage, not SIP at all\r\n\r\n",
                        Outcome.silence()),
                // JAIN-SIP's parser reads any SIP/x.y as SIP/2.0; our check in front of it answers 505.
                udp("a request line with SIP/3.0 gets 505", p -> options(p).requestLine(
                        "OPTIONS sip:standup@127.0.0.1:" + p + " SIP/3.0").toString(), Outcome.status(505)),
                udp("a request without Via gets no answer (there is nowhere to send one)",
                        p -> options(p).without("Via").toString(), Outcome.silence()),
                // A response copies From, To, Call-ID and CSeq (RFC 3261 §8.2.6.2), so a request without one
                // cannot be answered in a way its sender could match: JAIN-SIP drops it, and so do we.
                udp("a request without From gets no answer", p -> options(p).without("From").toString(), Outcome.silence()),
                udp("a request without To gets no answer", p -> options(p).without("To").toString(), Outcome.silence()),
                udp("a request without Call-ID gets no answer", p -> options(p).without("Call-ID").toString(),
                        Outcome.silence()),
                udp("a request without CSeq gets no answer", p -> options(p).without("CSeq").toString(), Outcome.silence()),
                // Only proxies count hops: a UAS answers an RFC 2543 request without one (RFC 4475 §3.4.1).
                udp("a request without Max-Forwards is answered", p -> options(p).without("Max-Forwards").toString(),
                        Outcome.status(200)),
                udp("a CSeq naming another method than the request line gets 400",
                        p -> options(p).with("CSeq", "1 INVITE").toString(), Outcome.status(400)),
                udp("a CSeq that is not a number gets 400", p -> options(p).with("CSeq", "one OPTIONS").toString(),
                        Outcome.status(400)),
                // A UAS needs no Max-Forwards (RFC 4475 §3.4.1) and cuts a datagram off at its Content-Length
                // (RFC 3261 §18.3): the call is answered, and the raw phone hangs up at once.
                udp("the sample INVITE as it is (no Max-Forwards, Content-Length 245 for a longer body) is answered",
                        BadInputTest::sampleInvite, Outcome.status(200)),
                udp("the sample INVITE with Max-Forwards and a Content-Length past the end gets 400",
                        p -> sampleInvite(p).replace("CSeq: 1 INVITE\r\n", "CSeq: 1 INVITE\r\nMax-Forwards: 70\r\n")
                                .replace("Content-Length: 245", "Content-Length: 900"), Outcome.status(400)),
                udp("a negative Content-Length gets 400", p -> options(p).contentLength("-5").toString(),
                        Outcome.status(400)),
                udp("an OPTIONS with a 30 kB header gets 513 (headers are bounded to 8 kB)",
                        p -> options(p).with("Subject", "x".repeat(30_000)).toString(), Outcome.status(513)),
                udp("an INVITE whose SDP does not parse gets 400 with a Warning",
                        p -> invite(p, "standup", "v=0\r\nthis is not SDP\r\n").toString(),
                        Outcome.status(400).with("Warning", "399")),
                udp("an INVITE offering only AMR gets 488 with Warning 305",
                        p -> invite(p, "standup", offer("m=audio 9 RTP/AVP 97\r\na=rtpmap:97 AMR/8000\r\n")).toString(),
                        Outcome.status(488).with("Warning", "305")),
                udp("an INVITE offering only m=application gets 488 with Warning 304",
                        p -> invite(p, "standup", offer("m=application 9 UDP/BFCP *\r\n")).toString(),
                        Outcome.status(488).with("Warning", "304")),
                udp("an INVITE whose body is not SDP gets 415 with Accept",
                        p -> invite(p, "standup", "hello").body("text/plain", "hello").toString(),
                        Outcome.status(415).with("Accept", "application/sdp")),
                udp("an unknown method gets 501", p -> SipRequestText.of("FROBNICATE", "standup", p, "UDP").toString(),
                        Outcome.status(501)),
                udp("a known method we do not serve gets 405 with Allow",
                        p -> SipRequestText.of("SUBSCRIBE", "standup", p, "UDP").with("Event", "presence").toString(),
                        Outcome.status(405).with("Allow", "INVITE")),
                udp("a Require of an extension we lack gets 420 with Unsupported",
                        p -> options(p).with("Require", "100rel").toString(), Outcome.status(420).with("Unsupported", "100rel")),
                udp("a BYE for a call that does not exist gets 481",
                        p -> SipRequestText.of("BYE", "standup", p, "UDP").with("To", "<sip:standup@127.0.0.1>;tag=nope")
                                .toString(), Outcome.status(481)),
                new SipCase("an INVITE to a room that is not configured gets 404 with a Warning", Server.B, Transport.UDP,
                        p -> invite(p, "lobby", RawMediaPeer.audioOnlyOffer("lost", 9)).toString(),
                        Outcome.status(404).with("Warning", "lobby")),
                new SipCase("an INVITE with the wrong PIN gets 403 with a Warning", Server.B, Transport.UDP,
                        p -> invite(p, "board*9999", RawMediaPeer.audioOnlyOffer("guess", 9)).toString(),
                        Outcome.status(403).with("Warning", "PIN")),
                new SipCase("an INVITE without the room's PIN gets 403", Server.B, Transport.UDP,
                        p -> invite(p, "board", RawMediaPeer.audioOnlyOffer("forgot", 9)).toString(), Outcome.status(403)),
                new SipCase("a third call when rooms.maxCalls is 2 gets 503 with Retry-After", Server.B, Transport.UDP,
                        p -> invite(p, "board*1234", RawMediaPeer.audioOnlyOffer("third", 9)).toString(),
                        Outcome.status(503).with("Retry-After", "").with("Warning", "maxCalls")),
                tcp("an OPTIONS over TCP gets 200", p -> options(p, "TCP").toString(), Outcome.status(200)),
                tcp("non-SIP bytes over TCP get no answer", p -> "\u0000\u0001garbage, not SIP\r\n\r\n", Outcome.silence()),
                tcp("a request without Call-ID over TCP gets no answer", p -> options(p, "TCP").without("Call-ID").toString(),
                        Outcome.silence()),
                tcp("a request without Max-Forwards over TCP is answered", p -> options(p, "TCP").without("Max-Forwards")
                        .toString(), Outcome.status(200)),
                tcp("a message larger than the 64 kB limit over TCP gets no answer",
                        p -> options(p, "TCP").with("Subject", "x".repeat(70_000)).toString(), Outcome.silence()),
                tcp("a Content-Length of a gigabyte over TCP gets no answer (the server does not wait for it)",
                        p -> options(p, "TCP").contentLength("1000000000").toString(), Outcome.silence()));
    }

    private static SipCase udp(String name, IntFunction<String> message, Outcome expected) {
        return new SipCase(name, Server.A, Transport.UDP, message, expected);
    }

    private static SipCase tcp(String name, IntFunction<String> message, Outcome expected) {
        return new SipCase(name, Server.A, Transport.TCP, message, expected);
    }

    private static SipRequestText options(int port) {
        return options(port, "UDP");
    }

    private static SipRequestText options(int port, String transport) {
        return SipRequestText.of("OPTIONS", ROOM, port, transport);
    }

    private static SipRequestText invite(int port, String user, String sdp) {
        return SipRequestText.of("INVITE", user, port, "UDP").body("application/sdp", sdp);
    }

    private static String offer(String mediaSections) {
        return "v=0\r\no=mallory 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" + mediaSections;
    }

    /** The shared sample INVITE with every address rewritten to loopback; Via points back at the raw socket. */
    private static String sampleInvite(int port) {
        return resource("/samples/sip-invite-audio-video.txt")
                .replace("alice.com:5060", "${phone}")
                .replace("192.168.1.100", "127.0.0.1")
                .replace("bob@example.com", "standup@127.0.0.1:" + port)
                .replace("@alice.com", "@127.0.0.1")
                .replace("example.com", "127.0.0.1")
                .replace("Call-ID: abc@", "Call-ID: sample-" + System.nanoTime() + "@");
    }

    private static String resource(String name) {
        try (InputStream in = BadInputTest.class.getResourceAsStream(name)) {
            assertNotNull(in, name + " is on the test class path (sip-gateway's test jar)");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sipCases")
    void brokenSipGetsTheAnswerACarefulServerGives(SipCase row) throws Exception {
        int port = (row.server() == Server.A ? serverA : serverB).config().sip().port();
        String message = row.message().apply(port);
        int wait = row.expected().status() == 0 ? SILENCE_MILLIS : ANSWER_MILLIS;
        RawSip.Reply reply = row.transport() == Transport.UDP ? RawSip.udp(port, message, wait)
                : RawSip.tcp(port, message, wait);
        if (row.expected().status() == 0) {
            assertNull(reply, "expected no answer, got " + reply);
            return;
        }
        assertNotNull(reply, "no answer within " + wait + " ms");
        assertEquals(row.expected().status(), reply.status(), reply::toString);
        for (String[] header : row.expected().headers()) {
            List<String> values = reply.values(header[0]);
            assertTrue(values.stream().anyMatch(v -> v.contains(header[1])),
                    "expected " + header[0] + " containing '" + header[1] + "' in " + reply);
        }
    }

    // ---------------------------------------------------------------- media

    /** What the transport does with a row's datagrams. */
    enum Fate {
        /** every one is counted in {@link TransportStats#dropped()} */
        DROPPED,
        /** every one is taken in as RTP or RTCP (and must do no harm further up) */
        TAKEN_IN
    }

    /** Whose port a row's datagrams go to, and from where. */
    enum Target {
        /** mallory's own call, from the socket the server latched onto: past the anti-spoofing latch */
        MALLORY_LATCHED,
        /** red's call, from a socket that is not red's */
        RED_FROM_STRANGER
    }

    /** One row: {@code count} datagrams made by {@code datagram} (given their index). */
    record MediaCase(String name, MediaKind kind, Port port, Target target, int count, IntFunction<byte[]> datagram,
                     Fate fate) {
        @Override
        public String toString() {
            return name + " -> " + fate;
        }
    }

    static Stream<MediaCase> mediaCases() {
        int audioPt = RawMediaPeer.AUDIO_PAYLOAD_TYPE;
        int videoPt = RawMediaPeer.VIDEO_PAYLOAD_TYPE;
        Random random = new Random(20261121);
        return Stream.of(
                rtp("RTP shorter than its 12-byte header", MediaKind.AUDIO, 20, i -> Arrays.copyOf(opus(i), 11),
                        Fate.DROPPED),
                rtp("RTP of version 0", MediaKind.AUDIO, 20, i -> withByte0(opus(i), 0x00), Fate.DROPPED),
                rtp("RTP of version 1", MediaKind.AUDIO, 20, i -> withByte0(opus(i), 0x40), Fate.DROPPED),
                // V=2, CC=15: 60 bytes of CSRCs announced, 8 present.
                rtp("RTP announcing 15 CSRCs it does not carry", MediaKind.AUDIO, 20, i -> withByte0(opus(i), 0x8f),
                        Fate.DROPPED),
                rtp("RTP whose header extension says 65535 words", MediaKind.VIDEO, 20, i -> badExtension(videoPt, i),
                        Fate.DROPPED),
                rtp("RTP whose padding count is larger than the packet", MediaKind.AUDIO, 20,
                        i -> padding(audioPt, i, 0xff), Fate.DROPPED),
                rtp("RTP with the padding bit and a padding count of 0", MediaKind.AUDIO, 20,
                        i -> padding(audioPt, i, 0), Fate.DROPPED),
                rtp("RTP with a payload type nobody negotiated", MediaKind.AUDIO, 20,
                        i -> RtpPacket.build(33, false, 100 + i, 960L * i, RawMediaPeer.AUDIO_SSRC, new byte[40]),
                        Fate.DROPPED),
                rtp("a 9000-byte datagram", MediaKind.VIDEO, 5, i -> RtpPacket.build(videoPt, false, 100 + i, 0,
                        RawMediaPeer.VIDEO_SSRC, new byte[9000 - 12]), Fate.DROPPED),
                rtp("random bytes whose first two bits are not version 2", MediaKind.VIDEO, 50,
                        i -> randomNonRtp(random, 1 + random.nextInt(1400)), Fate.DROPPED),
                rtp("a burst of 200 unknown SSRCs with the negotiated audio payload type", MediaKind.AUDIO, 200,
                        i -> RtpPacket.build(audioPt, false, i, 960L * i, 0x5000_0000L + i, randomBytes(random, 60)),
                        Fate.TAKEN_IN),
                rtp("Opus payloads of random bytes", MediaKind.AUDIO, 50,
                        i -> RtpPacket.build(audioPt, false, 2000 + i, 960L * (2000 + i), RawMediaPeer.AUDIO_SSRC,
                                randomBytes(random, 1 + random.nextInt(300))), Fate.TAKEN_IN),
                rtp("H.264 payloads of random bytes, every one closing a frame", MediaKind.VIDEO, 60,
                        i -> RtpPacket.build(videoPt, true, 2000 + i, 3000L * i, RawMediaPeer.VIDEO_SSRC,
                                randomBytes(random, 1 + random.nextInt(1200))), Fate.TAKEN_IN),
                // STAP-A (type 24) whose first NAL says 0xffff bytes.
                rtp("an H.264 STAP-A whose NAL size runs past the packet", MediaKind.VIDEO, 10,
                        i -> RtpPacket.build(videoPt, true, 3000 + i, 3000L * (100 + i), RawMediaPeer.VIDEO_SSRC,
                                new byte[] {24, (byte) 0xff, (byte) 0xff, 0x65, 1, 2, 3}), Fate.TAKEN_IN),
                // FU-A (type 28) middle fragments of an IDR slice whose start never came.
                rtp("H.264 FU-A fragments without a start", MediaKind.VIDEO, 10,
                        i -> RtpPacket.build(videoPt, i == 9, 4000 + i, 3000L * 200, RawMediaPeer.VIDEO_SSRC,
                                new byte[] {0x7c, 0x05, 9, 9, 9, 9}), Fate.TAKEN_IN),
                rtcp("RTCP of 3 bytes", MediaKind.VIDEO, 20, i -> new byte[] {(byte) 0x80, (byte) 200, 0}, Fate.DROPPED),
                // V=2, PT=200 (SR), length 100 words (404 bytes) in an 8-byte datagram.
                rtcp("RTCP whose length field runs past the datagram", MediaKind.VIDEO, 20,
                        i -> new byte[] {(byte) 0x80, (byte) 200, 0, 100, 1, 2, 3, 4}, Fate.DROPPED),
                rtcp("RTCP of version 0", MediaKind.AUDIO, 20, i -> new byte[] {0x00, (byte) 201, 0, 1, 0, 0, 0, 1},
                        Fate.DROPPED),
                rtcp("random bytes on the RTCP port whose first two bits are not version 2", MediaKind.AUDIO, 50,
                        i -> randomNonRtp(random, 1 + random.nextInt(600)), Fate.DROPPED),
                rtcp("a 9000-byte datagram on the RTCP port", MediaKind.AUDIO, 5, i -> rtcpRr(9000), Fate.DROPPED),
                // V=2 RC=31 SR whose length (6 words) holds no report blocks at all.
                rtcp("an SR announcing 31 report blocks it does not carry", MediaKind.VIDEO, 20,
                        i -> srWithPhantomBlocks(), Fate.TAKEN_IN),
                rtcp("a burst of 100 PLIs", MediaKind.VIDEO, 100, i -> pli(RawMediaPeer.VIDEO_SSRC), Fate.TAKEN_IN),
                rtcp("a NACK asking for every packet there is", MediaKind.VIDEO, 5, i -> nackEverything(), Fate.TAKEN_IN),
                rtcp("an RTCP packet type nobody knows (APP)", MediaKind.VIDEO, 10,
                        i -> new byte[] {(byte) 0x80, (byte) 204, 0, 2, 0, 0, 0, 1, 'a', 'b', 'c', 'd'}, Fate.TAKEN_IN),
                new MediaCase("valid-looking RTP to red's audio port from a stranger", MediaKind.AUDIO, Port.RTP,
                        Target.RED_FROM_STRANGER, 20, i -> RtpPacket.build(111, false, i, 960L * i, 0xbadL, new byte[40]),
                        Fate.DROPPED),
                new MediaCase("RTCP with a bad length to red's video RTCP port from a stranger", MediaKind.VIDEO, Port.RTCP,
                        Target.RED_FROM_STRANGER, 20, i -> new byte[] {(byte) 0x80, (byte) 201, 0x7f, 0x7f},
                        Fate.DROPPED));
    }

    private static MediaCase rtp(String name, MediaKind kind, int count, IntFunction<byte[]> datagram, Fate fate) {
        return new MediaCase(name, kind, Port.RTP, Target.MALLORY_LATCHED, count, datagram, fate);
    }

    private static MediaCase rtcp(String name, MediaKind kind, int count, IntFunction<byte[]> datagram, Fate fate) {
        return new MediaCase(name, kind, Port.RTCP, Target.MALLORY_LATCHED, count, datagram, fate);
    }

    private static byte[] opus(int i) {
        return RtpPacket.build(RawMediaPeer.AUDIO_PAYLOAD_TYPE, false, 100 + i, 960L * i, RawMediaPeer.AUDIO_SSRC,
                new byte[] {(byte) 0xf8, (byte) 0xff, (byte) 0xfe, 0, 0, 0, 0, 0});
    }

    private static byte[] withByte0(byte[] packet, int b0) {
        packet[0] = (byte) b0;
        return packet;
    }

    /** X=1 and an extension header of profile 0xbede that claims 65535 words. */
    private static byte[] badExtension(int payloadType, int i) {
        byte[] packet = RtpPacket.build(payloadType, false, 100 + i, 3000L * i, RawMediaPeer.VIDEO_SSRC,
                new byte[] {(byte) 0xbe, (byte) 0xde, (byte) 0xff, (byte) 0xff, 1, 2, 3, 4});
        packet[0] |= 0x10;
        return packet;
    }

    /** P=1 with {@code count} as the last byte of a 20-byte packet. */
    private static byte[] padding(int payloadType, int i, int count) {
        byte[] payload = new byte[8];
        payload[7] = (byte) count;
        byte[] packet = RtpPacket.build(payloadType, false, 100 + i, 960L * i, RawMediaPeer.AUDIO_SSRC, payload);
        packet[0] |= 0x20;
        return packet;
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] out = new byte[length];
        random.nextBytes(out);
        return out;
    }

    /** Random bytes with the version bits forced to 0, 1 or 3 (never 2). */
    private static byte[] randomNonRtp(Random random, int length) {
        byte[] out = randomBytes(random, length);
        int[] versions = {0, 1, 3};
        out[0] = (byte) ((versions[random.nextInt(3)] << 6) | (out[0] & 0x3f));
        return out;
    }

    /** An RR padded out to {@code size} bytes with a length field that matches. */
    private static byte[] rtcpRr(int size) {
        byte[] out = new byte[size];
        int words = size / 4 - 1;
        out[0] = (byte) 0x80;
        out[1] = (byte) 201;
        out[2] = (byte) (words >>> 8);
        out[3] = (byte) words;
        return out;
    }

    private static byte[] srWithPhantomBlocks() {
        byte[] out = new byte[28];
        out[0] = (byte) (0x80 | 31);
        out[1] = (byte) 200;
        out[3] = 6;
        out[7] = 1; // sender SSRC
        return out;
    }

    private static byte[] pli(long mediaSsrc) {
        byte[] out = new byte[12];
        out[0] = (byte) (0x80 | 1);
        out[1] = (byte) 206;
        out[3] = 2;
        out[7] = 1; // sender SSRC
        out[8] = (byte) (mediaSsrc >>> 24);
        out[9] = (byte) (mediaSsrc >>> 16);
        out[10] = (byte) (mediaSsrc >>> 8);
        out[11] = (byte) mediaSsrc;
        return out;
    }

    /** A Generic NACK (RTPFB FMT 1) with 300 FCIs, each asking for 17 packets. */
    private static byte[] nackEverything() {
        int fcis = 300;
        byte[] out = new byte[12 + 4 * fcis];
        int words = out.length / 4 - 1;
        out[0] = (byte) (0x80 | 1);
        out[1] = (byte) 205;
        out[2] = (byte) (words >>> 8);
        out[3] = (byte) words;
        out[7] = 1;
        for (int f = 0; f < fcis; f++) {
            int pid = f * 17;
            out[12 + 4 * f] = (byte) (pid >>> 8);
            out[13 + 4 * f] = (byte) pid;
            out[14 + 4 * f] = (byte) 0xff;
            out[15 + 4 * f] = (byte) 0xff;
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mediaCases")
    void brokenMediaIsDroppedOrShruggedOff(MediaCase row) throws Exception {
        Call target = callOf(row.target() == Target.MALLORY_LATCHED ? malloryCallId : null);
        TransportStats before = target.transport().stats(row.kind());
        int redPort = RawMediaPeer.serverRtpPorts(redAnswer).get(row.kind()) + (row.port() == Port.RTCP ? 1 : 0);
        for (int i = 0; i < row.count(); i++) {
            byte[] datagram = row.datagram().apply(i);
            if (row.target() == Target.MALLORY_LATCHED) {
                mallory.send(row.kind(), row.port(), true, datagram);
            } else {
                mallory.sendAsStranger(redPort, datagram);
            }
        }
        Supplier<Long> counted = () -> row.fate() == Fate.DROPPED
                ? target.transport().stats(row.kind()).dropped() - before.dropped()
                : takenIn(target.transport().stats(row.kind())) - takenIn(before);
        Await.until(Duration.ofSeconds(10), () -> counted.get() >= row.count(),
                () -> row.count() + " datagrams sent, " + counted.get() + " counted as " + row.fate() + "; before "
                        + before + ", now " + target.transport().stats(row.kind()));
        assertEquals(row.count(), counted.get(), () -> "counted as " + row.fate() + "; before " + before + ", now "
                + target.transport().stats(row.kind()));
    }

    private static long takenIn(TransportStats stats) {
        return stats.packetsReceived() + stats.rtcpReceived();
    }

    /** The server's side of a call: mallory's by Call-ID, or red's (null) by its caller URI. */
    private Call callOf(String callId) {
        for (Call call : serverA.calls()) {
            if (callId != null ? call.id().equals(callId) : call.joinRequest().callerUri().contains("red@")) {
                return call;
            }
        }
        throw new AssertionError("no such call on server A: " + (callId != null ? callId : "red") + " in " + serverA.calls());
    }

    // ---------------------------------------------------------------- the healthy pair

    /** Red and green keep decoding new pictures that show both colours, and keep hearing each other's tone. */
    private void assertHealthyPairConfers(String after) throws InterruptedException {
        long redFrames = red.framesDecoded();
        long greenFrames = green.framesDecoded();
        long redHeard = red.samplesHeard();
        long greenHeard = green.samplesHeard();
        Await.until(Duration.ofSeconds(20), () -> red.framesDecoded() >= redFrames + 5
                        && green.framesDecoded() >= greenFrames + 5
                        && red.samplesHeard() >= redHeard + Audio.SAMPLE_RATE / 2
                        && green.samplesHeard() >= greenHeard + Audio.SAMPLE_RATE / 2,
                () -> "after " + after + " media stopped: red decoded " + (red.framesDecoded() - redFrames)
                        + " new frames and heard " + (red.samplesHeard() - redHeard) + " new samples; green "
                        + (green.framesDecoded() - greenFrames) + " and " + (green.samplesHeard() - greenHeard));
        Await.until(Duration.ofSeconds(20), () -> seesBoth(red) && seesBoth(green),
                () -> "after " + after + ": red sees " + describeTiles(red.lastPicture()) + ", green sees "
                        + describeTiles(green.lastPicture()));
        Await.until(Duration.ofSeconds(20), () -> hearsOnly(red, green) && hearsOnly(green, red),
                () -> "after " + after + ": red hears " + describeTones(red) + ", green hears " + describeTones(green));
    }

    /** The grid of the room: red, green, then mallory (who sends no picture), in join order. */
    private static Layout layout() {
        return Layouts.compute(LayoutSpec.grid(), 640, 360, List.of("red", "green", "mallory"));
    }

    private boolean seesBoth(SyntheticParticipant viewer) {
        I420Frame picture = viewer.lastPicture();
        if (picture == null || picture.width() != 640 || picture.height() != 360) {
            return false;
        }
        return showsColour(picture, layout().tiles().get("red"), RED)
                && showsColour(picture, layout().tiles().get("green"), GREEN);
    }

    private static boolean showsColour(I420Frame picture, Tile tile, int[] yuv) {
        int x = tile.x() + tile.width() / 2;
        int y = tile.y() + tile.height() / 2;
        return Math.abs(picture.uAt(x, y) - yuv[1]) <= CHROMA_TOLERANCE && Math.abs(picture.vAt(x, y) - yuv[2]) <= CHROMA_TOLERANCE;
    }

    private static String describeTiles(I420Frame picture) {
        if (picture == null) {
            return "nothing";
        }
        StringBuilder out = new StringBuilder();
        layout().tiles().forEach((who, tile) -> {
            int x = tile.x() + tile.width() / 2;
            int y = tile.y() + tile.height() / 2;
            out.append(String.format(" %s=YUV(%d,%d,%d)", who, picture.lumaAt(x, y), picture.uAt(x, y), picture.vAt(x, y)));
        });
        return out.toString();
    }

    private static boolean hearsOnly(SyntheticParticipant listener, SyntheticParticipant other) {
        short[] heard = listener.lastHeard(Audio.SAMPLE_RATE);
        double theirs = Tones.amplitude(heard, other.toneHz(), Audio.SAMPLE_RATE);
        double own = Tones.amplitude(heard, listener.toneHz(), Audio.SAMPLE_RATE);
        return theirs > SyntheticParticipant.TONE_AMPLITUDE * 0.3 && own < theirs * 0.05;
    }

    private String describeTones(SyntheticParticipant listener) {
        short[] heard = listener.lastHeard(Audio.SAMPLE_RATE);
        StringBuilder out = new StringBuilder();
        for (SyntheticParticipant p : List.of(red, green)) {
            out.append(String.format(" %s@%.0fHz=%.0f", p.name(), p.toneHz(), Tones.amplitude(heard, p.toneHz(), Audio.SAMPLE_RATE)));
        }
        return out.toString();
    }
}
