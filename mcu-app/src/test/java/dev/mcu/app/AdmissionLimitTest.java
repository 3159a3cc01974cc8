package dev.mcu.app;

import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.TestServers;
import dev.mcu.conference.RoomEvents;
import dev.mcu.media.NegotiatedStream;
import dev.mcu.sip.Admission;
import dev.mcu.sip.Call;
import dev.mcu.sip.JoinRequest;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;
import dev.mcu.transport.MediaListener;
import dev.mcu.transport.MediaTransport;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The limits count a call from the moment it is let in, not from its ACK: a burst of INVITEs
 * cannot pass rooms.maxCalls or rooms.maxParticipants, and a call that never gets going gives its
 * place back.
 */
class AdmissionLimitTest {
    private static final String PCMU_OFFER = "v=0\r\no=p 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 9 RTP/AVP 0\r\n";
    private static final String G729_ONLY = "v=0\r\no=p 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 9 RTP/AVP 18\r\n";

    @Test
    void aBurstOfInvitesBeforeAnyAckCannotPassMaxCalls() throws Exception {
        try (McuServer server = TestServers.start("rooms.maxCalls=2");
             SipTestPhone phone = new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", "burst")) {
            assertEquals(200, phone.invite("burst", PCMU_OFFER).awaitFinal().status());
            assertEquals(200, phone.invite("other", PCMU_OFFER).awaitFinal().status());
            PhoneResponse third = phone.invite("burst", PCMU_OFFER).awaitFinal();
            assertEquals(503, third.status(), third.reason());
            assertTrue(third.header("Warning").contains("rooms.maxCalls"), third.header("Warning"));
        }
    }

    @Test
    void aBurstOfInvitesBeforeAnyAckCannotPassMaxParticipants() throws Exception {
        try (McuServer server = TestServers.start("rooms.maxParticipants=1");
             SipTestPhone phone = new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", "burst")) {
            assertEquals(200, phone.invite("small", PCMU_OFFER).awaitFinal().status());
            PhoneResponse second = phone.invite("small", PCMU_OFFER).awaitFinal();
            assertEquals(503, second.status(), second.reason());
            assertTrue(second.header("Warning").contains("rooms.maxParticipants"), second.header("Warning"));
            assertEquals(200, phone.invite("elsewhere", PCMU_OFFER).awaitFinal().status(), "another room has room");
        }
    }

    @Test
    void aCallRefusedAfterAdmissionAndAnEndedCallGiveTheirPlaceBack() throws Exception {
        try (McuServer server = TestServers.start("rooms.maxCalls=1");
             SipTestPhone phone = new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", "again")) {
            assertEquals(488, phone.invite("again", G729_ONLY).awaitFinal().status());
            SipTestPhone.Outgoing call = phone.invite("again", PCMU_OFFER);
            assertEquals(200, call.awaitFinal().status(), "the 488'd call gave its place back");
            call.ack();
            Await.until(Duration.ofSeconds(10), () -> server.openRooms().contains("again"), () -> "never seated");
            assertEquals(200, call.bye().status());
            // The place is given back on the call-events thread just after the 200 to the BYE; the room closes then.
            Await.until(Duration.ofSeconds(10), () -> server.openRooms().isEmpty(), () -> "room still open");
            PhoneResponse next = phone.invite("again", PCMU_OFFER).awaitFinal();
            assertEquals(200, next.status(), "the ended call gave its place back: " + next.reason());
        }
    }

    @Test
    void aCallWhoseEndWasHandledBeforeItsStartIsHungUpAndNeverSeated() {
        McuConfig config = McuConfig.load(null, List.of("rooms.maxCalls=1"));
        try (Threads threads = new Threads(config);
             RoomRegistry registry = new RoomRegistry(config, threads.mediaClock(dev.mcu.conference.MediaTimings.NONE), RoomEvents.NONE)) {
            FakeCall call = new FakeCall("late-1", "late");
            assertEquals(Admission.Verdict.ACCEPT, registry.admit(call.joinRequest()).verdict());
            registry.leave(call);
            registry.join(new SipMember(call, "late", dev.mcu.conference.Role.SPEAKER));
            assertEquals(1, call.hangups.get(), "the dead call was hung up");
            assertTrue(registry.rooms().isEmpty(), "no room was opened for it");
            assertEquals(Admission.Verdict.ACCEPT, registry.admit(new FakeCall("late-2", "late").joinRequest()).verdict(),
                    "it holds no place");
        }
    }

    /** Only what admission and the registry read; a call that is never seated needs no media. */
    private record FakeCall(String id, String room, AtomicInteger hangups) implements Call {
        FakeCall(String id, String room) {
            this(id, room, new AtomicInteger());
        }

        @Override
        public JoinRequest joinRequest() {
            return new JoinRequest(id, room, Optional.empty(), "sip:" + id + "@127.0.0.1", id, InetAddress.getLoopbackAddress());
        }

        @Override public List<NegotiatedStream> streams() { return List.of(); }
        @Override public MediaTransport transport() { throw new UnsupportedOperationException("not seated in this test"); }
        @Override public void setMediaListener(MediaListener listener) { }
        @Override public void hangup() { hangups.incrementAndGet(); }
    }
}
