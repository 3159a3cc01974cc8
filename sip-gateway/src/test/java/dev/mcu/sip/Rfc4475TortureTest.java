package dev.mcu.sip;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mcu.sdp.MediaCapabilities;
import dev.mcu.sdp.SdpNegotiator;
import dev.mcu.sip.testing.FakeMediaTransportFactory;
import dev.mcu.sip.testing.RawSip;
import dev.mcu.sip.testing.SipTestPhone;
import dev.mcu.sip.testing.TestSipExecutors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 4475's torture messages, sent as they are (addresses moved to loopback, see
 * {@code src/test/resources/rfc4475/README.md}) to a running server over the transport their top
 * Via names, and the answer a UAS gives each: the status code and the headers that go with it, or
 * a drop that the server counts. Every room exists, so a valid INVITE is answered 200 (and the
 * test phone ACKs and hangs up at once). Many of the messages share a Via branch, which one server
 * would take for retransmissions of the first: the test makes each top Via's branch unique (but
 * §3.2.1's, whose bare magic cookie is its point). No message may make the server log an ERROR:
 * a remote's malformed message is its mistake, not the server's. docs/robustness.md lists the same
 * table.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Rfc4475TortureTest {
    private static final int ANSWER_MILLIS = 3000;
    private static final int SILENCE_MILLIS = 700;

    enum Transport { UDP, TCP }

    /** What the server does: a status with headers containing text, or a counted drop. */
    record Answer(int status, List<String[]> headers, ToLongFunction<SipProtocolCounters> counter) {
        static Answer status(int status) {
            return new Answer(status, List.of(), null);
        }

        static Answer droppedRequest() {
            return new Answer(0, List.of(), SipProtocolCounters::malformedDropped);
        }

        static Answer droppedResponse() {
            return new Answer(0, List.of(), SipProtocolCounters::responsesDropped);
        }

        Answer with(String header, String text) {
            List<String[]> more = new ArrayList<>(headers);
            more.add(new String[] {header, text});
            return new Answer(status, more, counter);
        }

        @Override
        public String toString() {
            if (status == 0) {
                return "counted drop";
            }
            StringBuilder out = new StringBuilder().append(status);
            headers.forEach(h -> out.append(" + ").append(h[0]).append(" '").append(h[1]).append("'"));
            return out.toString();
        }
    }

    record Case(String section, String file, Transport transport, Answer answer) {
        @Override
        public String toString() {
            return "§" + section + " " + file + " over " + transport + " -> " + answer;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                // 3.1.1 valid messages: parsed and answered as any other request
                // wsinv's To carries a tag: an INVITE inside a dialog we do not have
                new Case("3.1.1.1", "wsinv", Transport.UDP, Answer.status(481)),
                new Case("3.1.1.2", "intmeth", Transport.TCP, Answer.status(501)),
                new Case("3.1.1.3", "esc01", Transport.UDP, Answer.status(200)),
                new Case("3.1.1.4", "escnull", Transport.UDP, Answer.status(405).with("Allow", "INVITE")),
                new Case("3.1.1.5", "esc02", Transport.TCP, Answer.status(501)),
                new Case("3.1.1.6", "lwsdisp", Transport.UDP, Answer.status(200)),
                new Case("3.1.1.7", "longreq", Transport.TCP, Answer.status(200)),
                new Case("3.1.1.8", "dblreq", Transport.UDP, Answer.status(405)),
                new Case("3.1.1.9", "semiuri", Transport.UDP, Answer.status(200)),
                new Case("3.1.1.10", "transports", Transport.UDP, Answer.status(200)),
                new Case("3.1.1.11", "mpart01", Transport.UDP, Answer.status(405)),
                new Case("3.1.1.12", "unreason", Transport.UDP, Answer.droppedResponse()),
                new Case("3.1.1.13", "noreason", Transport.UDP, Answer.droppedResponse()),
                // 3.1.2 invalid messages
                new Case("3.1.2.1", "badinv01", Transport.UDP, Answer.status(400)),
                new Case("3.1.2.2", "clerr", Transport.UDP, Answer.status(400)),
                new Case("3.1.2.3", "ncl", Transport.UDP, Answer.status(400)),
                // JAIN-SIP closes a TCP connection whose mandatory headers do not parse (CSeq past 2^31 here).
                new Case("3.1.2.4", "scalar02", Transport.TCP, Answer.droppedRequest()),
                new Case("3.1.2.5", "scalarlg", Transport.TCP, Answer.droppedResponse()),
                new Case("3.1.2.6", "quotbal", Transport.UDP, Answer.status(400)),
                new Case("3.1.2.7", "ltgtruri", Transport.UDP, Answer.status(400)),
                new Case("3.1.2.8", "lwsruri", Transport.UDP, Answer.status(400)),
                new Case("3.1.2.9", "lwsstart", Transport.UDP, Answer.status(400)),
                new Case("3.1.2.10", "trws", Transport.TCP, Answer.status(400)),
                new Case("3.1.2.11", "escruri", Transport.UDP, Answer.status(400)),
                new Case("3.1.2.12", "baddate", Transport.UDP, Answer.status(200)),
                // We serve no REGISTER: the method is refused before its Contact is read.
                new Case("3.1.2.13", "regbadct", Transport.UDP, Answer.status(405)),
                // The RFC lets a liberal element accept these two; JAIN-SIP reads them, and so do we.
                new Case("3.1.2.14", "badaspec", Transport.UDP, Answer.status(200)),
                new Case("3.1.2.15", "baddn", Transport.UDP, Answer.status(200)),
                new Case("3.1.2.16", "badvers", Transport.UDP, Answer.status(505)),
                new Case("3.1.2.17", "mismatch01", Transport.UDP, Answer.status(400)),
                new Case("3.1.2.18", "mismatch02", Transport.UDP, Answer.status(400)),
                new Case("3.1.2.19", "bigcode", Transport.UDP, Answer.droppedResponse()),
                // 3.2 transaction layer
                new Case("3.2.1", "badbranch", Transport.UDP, Answer.status(200)),
                // 3.3 application layer
                new Case("3.3.1", "insuf", Transport.UDP, Answer.droppedRequest()),
                new Case("3.3.2", "unkscm", Transport.TCP, Answer.status(416)),
                new Case("3.3.3", "novelsc", Transport.TCP, Answer.status(416)),
                new Case("3.3.4", "unksm2", Transport.UDP, Answer.status(405)),
                new Case("3.3.5", "bext01", Transport.TCP, Answer.status(420)
                        .with("Unsupported", "nothingSupportsThis").with("Unsupported", "nothingSupportsThisEither")),
                new Case("3.3.6", "invut", Transport.UDP, Answer.status(415)
                        .with("Accept", "application/sdp").with("Accept-Encoding", "identity")),
                new Case("3.3.7", "regaut01", Transport.TCP, Answer.status(405)),
                new Case("3.3.8", "multi01", Transport.UDP, Answer.status(400)),
                new Case("3.3.9", "mcl01", Transport.UDP, Answer.status(400)),
                new Case("3.3.10", "bcast", Transport.UDP, Answer.droppedResponse()),
                new Case("3.3.11", "zeromf", Transport.UDP, Answer.status(200)),
                new Case("3.3.12", "cparam01", Transport.UDP, Answer.status(405)),
                new Case("3.3.13", "cparam02", Transport.UDP, Answer.status(405)),
                new Case("3.3.14", "regescrt", Transport.UDP, Answer.status(405)),
                new Case("3.3.15", "sdp01", Transport.UDP, Answer.status(406)),
                // 3.4 backward compatibility
                // Max-Forwards is not needed by a UAS and is let through, but a dialog needs the Contact
                // RFC 3261 §8.1.1.8 requires: 400 names it.
                new Case("3.4.1", "inv2543", Transport.UDP, Answer.status(400).with("CSeq", "INVITE")));
    }

    /** Every room exists: a valid INVITE is answered. */
    static final class EveryRoomOpen implements ConferenceHandler {
        @Override public Admission admit(JoinRequest request) { return Admission.accept(); }
        @Override public void onCallAbandoned(JoinRequest request, String reason) { }
        @Override public void onCallStarted(Call call) { }
        @Override public void onCallUpdated(Call call) { }
        @Override public void onCallEnded(Call call, String reason) { }
    }

    final TestSipExecutors executors = new TestSipExecutors();
    FakeMediaTransportFactory transports;
    SipServer server;
    int port;
    final ListAppender<ILoggingEvent> errors = new ListAppender<>();

    @BeforeAll
    void start() throws Exception {
        errors.start();
        rootLogger().addAppender(errors);
        transports = new FakeMediaTransportFactory(64);
        port = SipTestPhone.freePort();
        server = new SipServer(SipServerConfig.of("127.0.0.1", port), new EveryRoomOpen(), transports,
                new SdpNegotiator(MediaCapabilities.defaults()), executors.executors());
    }

    @AfterAll
    void stop() {
        rootLogger().detachAppender(errors);
        server.close();
        executors.close();
        transports.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachTortureMessageGetsTheAnswerOfAUas(Case row) throws Exception {
        String message = message(row.file());
        if (!row.file().equals("badbranch")) {
            message = message.replaceFirst("(\\$\\{phone\\}[ \t]*;[ \t]*branch=)([^;,\\s]+)", "$1$2-" + row.file());
        }
        if (row.transport() == Transport.TCP) {
            message = message.replace("SIP/2.0/TLS ${phone}", "SIP/2.0/TCP ${phone}"); // §3.3.5 names TLS
        }
        SipProtocolCounters before = server.protocolCounters();
        clearLog();
        int wait = row.answer().status() == 0 ? SILENCE_MILLIS : ANSWER_MILLIS;
        RawSip.Reply reply = row.transport() == Transport.UDP ? RawSip.udp(port, message, wait) : RawSip.tcp(port, message, wait);
        if (row.answer().status() == 0) {
            assertNull(reply, "expected no answer, got " + reply);
            ToLongFunction<SipProtocolCounters> counter = row.answer().counter();
            long deadline = System.nanoTime() + ANSWER_MILLIS * 1_000_000L;
            while (counter.applyAsLong(server.protocolCounters()) == counter.applyAsLong(before) && System.nanoTime() < deadline) {
                Thread.sleep(20); // over TCP the connection closes a moment before the count
            }
            assertEquals(1, counter.applyAsLong(server.protocolCounters()) - counter.applyAsLong(before),
                    "the drop is counted once: " + server.protocolCounters());
            assertNoErrorLogged();
            return;
        }
        assertNotNull(reply, "no answer within " + wait + " ms");
        assertEquals(row.answer().status(), reply.status(), reply::toString);
        for (String[] header : row.answer().headers()) {
            assertTrue(reply.values(header[0]).stream().anyMatch(v -> v.contains(header[1])),
                    "expected " + header[0] + " containing '" + header[1] + "' in " + reply);
        }
        assertNoErrorLogged();
    }

    /**
     * ListAppender keeps a plain list, which logback appends to under the appender's lock, from
     * whichever thread logs (the stack's too): it is read and cleared under the same lock.
     */
    private void clearLog() {
        synchronized (errors) {
            errors.list.clear();
        }
    }

    private void assertNoErrorLogged() {
        List<ILoggingEvent> events;
        synchronized (errors) {
            events = List.copyOf(errors.list);
        }
        List<String> logged = events.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
        assertTrue(logged.isEmpty(), "a remote's malformed message logged an ERROR: " + logged);
    }

    private static Logger rootLogger() {
        // From logback's context (as SerialExecutorTest does): the test attaches an appender to the root.
        return ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /**
     * Found by the long fuzz run: a request JAIN-SIP parses although it has no CSeq or Call-ID made
     * the stack fail on its own null (an ERROR with a stack trace and the datagram's bytes); it is a
     * counted drop like §3.3.1's.
     */
    @org.junit.jupiter.api.Test
    void aRequestWithoutCSeqOrCallIdIsACountedDropWithNoErrorLogged() throws Exception {
        String message = "INFO sip:demo@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP ${phone};branch=z9hG4bK776asdhds-nocseq;rport\r\n"
                + "Max-Forwards: 70\r\nTo: <sip:demo@127.0.0.1>\r\nFrom: \"Alice\" <sip:alice@127.0.0.1>;tag=1\r\n"
                + "Content-Type: application/dtmf-relay\r\nContent-Length: 24\r\n\r\nSignal=5\r\nDuration=160\r\n";
        SipProtocolCounters before = server.protocolCounters();
        clearLog();
        assertNull(RawSip.udp(port, message, SILENCE_MILLIS), "nothing to address an answer to");
        long deadline = System.nanoTime() + ANSWER_MILLIS * 1_000_000L;
        while (server.protocolCounters().malformedDropped() == before.malformedDropped() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(1, server.protocolCounters().malformedDropped() - before.malformedDropped(), server.protocolCounters()::toString);
        assertNoErrorLogged();
    }

    /**
     * Found by the long fuzz run: a datagram whose top Via says TCP made the stack open a TCP
     * connection to the Via's address to answer it (four ERROR lines when nothing listened there).
     */
    @org.junit.jupiter.api.Test
    void aDatagramWhoseViaSaysTcpIsAnswered400OverUdp() throws Exception {
        assertRefused400OverUdp(options("Via: SIP/2.0/TCP ${phone};branch=z9hG4bK-via-says-tcp", "via-says-tcp"));
    }

    /** Found by the long fuzz run: a Via port past 65535 made the stack fail while sending the answer. */
    @org.junit.jupiter.api.Test
    void aViaPortOutOfRangeIsAnswered400() throws Exception {
        assertRefused400OverUdp(options("Via: SIP/2.0/UDP 127.0.0.1:9079070;branch=z9hG4bK-via-port;rport", "via-port"));
    }

    /**
     * Found by the long fuzz run: a Via whose comment ends in a backslash sent JAIN-SIP's Via parser
     * into an endless loop that filled the heap (one datagram took the server down). The request is
     * refused, the response dropped, neither reaches the parser, and the server answers what follows.
     */
    @org.junit.jupiter.api.Test
    void aViaEndingInABackslashNeverReachesTheStacksParser() throws Exception {
        String via = "Via: SIP/2.0/UDP ${phone};branch=z9hG4bK-backslash (a comment\\";
        SipProtocolCounters before = server.protocolCounters();
        assertRefused400OverUdp(options(via, "backslash"));

        String response = "SIP/2.0 200 OK\r\n" + via + "\r\nTo: <sip:demo@127.0.0.1>;tag=2\r\n"
                + "From: <sip:alice@127.0.0.1>;tag=1\r\nCall-ID: backslash-2@127.0.0.1\r\nCSeq: 1 OPTIONS\r\n"
                + "Content-Length: 0\r\n\r\n";
        assertNull(RawSip.udp(port, response, SILENCE_MILLIS));
        assertEquals(1, server.protocolCounters().responsesDropped() - before.responsesDropped(), server.protocolCounters()::toString);
        assertNoErrorLogged();

        RawSip.Reply after = RawSip.udp(port, options("Via: SIP/2.0/UDP ${phone};branch=z9hG4bK-after", "after-backslash"), ANSWER_MILLIS);
        assertNotNull(after, "the server still answers");
        assertEquals(200, after.status(), after::toString);
    }

    /**
     * Found as the heap growth of the long fuzz run: JAIN-SIP keeps every header name it ever parsed
     * in a static map, so made-up names grew the heap for good. Here ~8,000 made-up names in 12
     * requests, each answered; the stack's cache stays within its bound (without it: 16,000+ names).
     */
    @org.junit.jupiter.api.Test
    void madeUpHeaderNamesDoNotGrowTheHeap() throws Exception {
        int namesPerMessage = 600; // "Xm11n599: a" lines: ~7.4 KiB, under the 8 KiB header bound
        for (int message = 0; message < 12; message++) {
            StringBuilder headers = new StringBuilder();
            for (int name = 0; name < namesPerMessage; name++) {
                headers.append("Xm").append(message).append('n').append(name).append(": a\r\n");
            }
            String request = options("Via: SIP/2.0/UDP ${phone};branch=z9hG4bK-names-" + message, "names-" + message)
                    .replace("Content-Length: 0", headers + "Content-Length: 0");
            RawSip.Reply reply = RawSip.udp(port, request, ANSWER_MILLIS);
            assertNotNull(reply, "request " + message + " with made-up header names is answered");
            assertEquals(200, reply.status(), reply::toString);
            // Two entries per mixed-case name (as sent, and lowercased); trimmed after each parse.
            int bound = HeaderNameCacheBound.ownNames() + HeaderNameCacheBound.MAX_LEARNED_NAMES + 2 * namesPerMessage;
            assertTrue(HeaderNameCacheBound.size() <= bound,
                    "JAIN-SIP's header-name cache holds " + HeaderNameCacheBound.size() + " names after "
                            + (message + 1) * namesPerMessage + " made-up ones, bound " + bound);
        }
        assertNoErrorLogged();
    }

    private static String options(String via, String callId) {
        return "OPTIONS sip:demo@127.0.0.1 SIP/2.0\r\n" + via + "\r\n"
                + "Max-Forwards: 70\r\nTo: <sip:demo@127.0.0.1>\r\nFrom: <sip:alice@127.0.0.1>;tag=1\r\n"
                + "Call-ID: " + callId + "@127.0.0.1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    }

    /** Answered 400 over UDP where the datagram came from, counted, and no ERROR in the log. */
    private void assertRefused400OverUdp(String message) throws Exception {
        SipProtocolCounters before = server.protocolCounters();
        clearLog();
        RawSip.Reply reply = RawSip.udp(port, message, ANSWER_MILLIS);
        assertNotNull(reply, "answered over UDP, where the request came from");
        assertEquals(400, reply.status(), reply::toString);
        assertEquals(1, server.protocolCounters().malformedRefused() - before.malformedRefused(), server.protocolCounters()::toString);
        assertNoErrorLogged();
    }

    /** The RFC's message as ISO-8859-1 text: one char per byte, so every byte goes out as the RFC has it. */
    private static String message(String file) throws IOException {
        try (InputStream in = Rfc4475TortureTest.class.getResourceAsStream("/rfc4475/" + file + ".dat")) {
            assertNotNull(in, file + ".dat is on the test class path");
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
