package dev.mcu.sip;

import dev.mcu.sdp.MediaCapabilities;
import dev.mcu.sdp.SdpNegotiator;
import dev.mcu.sip.testing.FakeMediaTransportFactory;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;
import dev.mcu.sip.testing.TestSipExecutors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.mcu.sip.SipServerTest.AUDIO_VIDEO_OFFER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the application hears of a call, in what order: every admitted call ends in exactly one
 * "abandoned" (it never started) or in "started" then "ended", and "ended" never overtakes a
 * "started" the application is still handling, whichever thread hangs up.
 */
class CallLifecycleTest {
    private static final int WAIT = SipTestPhone.TIMEOUT_SECONDS;
    private static final String G729_ONLY =
            "v=0\r\no=a 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 18\r\n";

    /** Writes every event, in the order the application saw it; the start can be held at a gate. */
    static final class EventLog implements ConferenceHandler {
        final List<String> events = new CopyOnWriteArrayList<>();
        volatile CountDownLatch admitGate = new CountDownLatch(0);
        volatile CountDownLatch startGate = new CountDownLatch(0);

        @Override
        public Admission admit(JoinRequest request) {
            events.add("admitted");
            await(admitGate);
            return Admission.accept();
        }

        @Override
        public void onCallStarted(Call call) {
            events.add("started");
            await(startGate);
            events.add("start handled");
        }

        @Override public void onCallUpdated(Call call) { events.add("updated"); }
        @Override public void onCallEnded(Call call, String reason) { events.add("ended: " + reason); }
        @Override public void onCallAbandoned(JoinRequest request, String reason) { events.add("abandoned: " + reason); }

        private static void await(CountDownLatch gate) {
            try {
                gate.await(WAIT, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void awaitEvents(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT);
            while (events.size() < count && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(events.size() >= count, "expected " + count + " events, got " + events);
        }
    }

    EventLog app;
    FakeMediaTransportFactory transports;
    TestSipExecutors executors;
    SipServer server;
    SipTestPhone phone;

    @BeforeEach
    void start() throws Exception {
        app = new EventLog();
        transports = new FakeMediaTransportFactory(1);
        executors = new TestSipExecutors();
        int port = SipTestPhone.freePort();
        server = new SipServer(SipServerConfig.of("127.0.0.1", port), app, transports,
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

    @Test
    void aHangupWhileTheApplicationIsStillStartingTheCallIsHeardAfterTheStart() throws Exception {
        app.startGate = new CountDownLatch(1);
        SipTestPhone.Outgoing call = phone.invite("demo", AUDIO_VIDEO_OFFER);
        assertEquals(200, call.awaitFinal().status());
        call.ack();
        app.awaitEvents(2); // admitted, started: the application is inside onCallStarted now
        server.calls().get(0).hangup();
        app.startGate.countDown();
        app.awaitEvents(4);
        assertEquals(List.of("admitted", "started", "start handled", "ended: hung up by the server"), app.events);
    }

    @Test
    void aCancelledCallGivesItsPlaceBack() throws Exception {
        app.admitGate = new CountDownLatch(1);
        SipTestPhone.Outgoing call = phone.invite("demo", AUDIO_VIDEO_OFFER);
        app.awaitEvents(1);
        assertEquals(200, call.cancel().status());
        assertEquals(487, call.awaitFinal().status());
        app.admitGate.countDown();
        app.awaitEvents(2);
        assertEquals(List.of("admitted", "abandoned: the caller cancelled before we answered"), app.events);
        assertEquals(0, transports.openTransports());
    }

    @Test
    void anAdmittedCallRefusedForItsCodecsGivesItsPlaceBack() throws Exception {
        assertEquals(488, phone.invite("demo", G729_ONLY).awaitFinal().status());
        app.awaitEvents(2);
        assertEquals("admitted", app.events.get(0));
        assertTrue(app.events.get(1).startsWith("abandoned: no media in common"), app.events.toString());
    }

    @Test
    void anAdmittedCallWithoutAFreeMediaPortGivesItsPlaceBack() throws Exception {
        assertEquals(200, phone.invite("demo", AUDIO_VIDEO_OFFER).awaitFinal().status()); // takes the only port
        PhoneResponse busy = phone.invite("demo", AUDIO_VIDEO_OFFER).awaitFinal();
        assertEquals(503, busy.status());
        app.awaitEvents(3);
        assertEquals(List.of("admitted", "admitted"), app.events.subList(0, 2));
        assertTrue(app.events.get(2).startsWith("abandoned: no free media ports"), app.events.toString());
    }

    @Test
    void anAnsweredCallEndedBeforeItsAckIsAbandonedNeverStarted() throws Exception {
        SipTestPhone.Outgoing call = phone.invite("demo", AUDIO_VIDEO_OFFER);
        assertEquals(200, call.awaitFinal().status());
        server.calls().get(0).hangup(); // as when the ACK never comes and the dialog times out
        app.awaitEvents(2);
        assertEquals(List.of("admitted", "abandoned: hung up by the server"), app.events);
        assertEquals(0, transports.openTransports());
    }

    @Test
    void aCallThatRanIsStartedThenEndedAndNeverAbandoned() throws Exception {
        SipTestPhone.Outgoing call = phone.invite("demo", AUDIO_VIDEO_OFFER);
        assertEquals(200, call.awaitFinal().status());
        call.ack();
        app.awaitEvents(3);
        assertEquals(200, call.bye().status());
        app.awaitEvents(4);
        assertEquals(List.of("admitted", "started", "start handled", "ended: the caller hung up"), app.events);
    }
}
