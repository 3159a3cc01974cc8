package dev.mcu.app;

import dev.mcu.app.api.Role;
import dev.mcu.sip.JoinRequest;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PinGateTest {
    private static final McuConfig CONFIG = McuConfig.load(null, List.of("rooms.list=["
            + "{name: board, pin: '1111', hostPin: '9999', speakerPin: '5555'},"
            + "{name: town-hall, mode: webinar, hostPin: '9999'},"
            + "{name: open}]"));

    /** A clock the test moves by hand. */
    private static final class HandClock extends Clock {
        Instant now = Instant.parse("2026-12-04T12:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static JoinRequest dial(String room, String pin, String from) throws Exception {
        return new JoinRequest("call-" + System.nanoTime(), room, Optional.ofNullable(pin), "sip:x@127.0.0.1", "",
                InetAddress.getByName(from), "udp");
    }

    private static String verdict(PinGate gate, JoinRequest request) {
        PinGate.Verdict v = gate.check(request);
        return v.refusal() != null ? v.refusal() : v.role().wireName();
    }

    @Test
    void thePinDialledPicksTheRole() throws Exception {
        PinGate gate = new PinGate(CONFIG, new HandClock());
        assertEquals("host", verdict(gate, dial("board", "9999", "127.0.0.1")));
        assertEquals("speaker", verdict(gate, dial("board", "5555", "127.0.0.1")));
        assertEquals("speaker", verdict(gate, dial("board", "1111", "127.0.0.1")), "pin in a meeting: a speaker");
        assertEquals("PIN required", verdict(gate, dial("board", null, "127.0.0.1")));
        assertEquals("Wrong PIN", verdict(gate, dial("board", "1234", "127.0.0.1")));
        assertEquals("attendee", verdict(gate, dial("town-hall", null, "127.0.0.1")), "no pin in a webinar: an attendee");
        assertEquals("host", verdict(gate, dial("town-hall", "9999", "127.0.0.1")));
        assertEquals("Wrong PIN", verdict(gate, dial("town-hall", "1", "127.0.0.1")));
        assertEquals("speaker", verdict(gate, dial("open", null, "127.0.0.1")));
        assertEquals("speaker", verdict(gate, dial("unlisted", null, "127.0.0.1")));
        assertEquals(Role.HOST, gate.roleOf(dial("board", "9999", "127.0.0.1")));
    }

    @Test
    void fiveWrongPinsAMinuteFromOneAddressLockThatAddressOutOfThatRoomUntilTheWindowPasses() throws Exception {
        HandClock clock = new HandClock();
        PinGate gate = new PinGate(CONFIG, clock);
        for (int i = 0; i < PinGate.MAX_FAILURES; i++) {
            assertEquals("Wrong PIN", verdict(gate, dial("board", "000" + i, "127.0.0.7")));
        }
        assertEquals("Too many PIN attempts", verdict(gate, dial("board", "1111", "127.0.0.7")),
                "even the right PIN is refused while the limit holds");
        assertEquals("speaker", verdict(gate, dial("board", "1111", "127.0.0.8")), "another address is not affected");
        assertEquals("host", verdict(gate, dial("town-hall", "9999", "127.0.0.7")), "nor another room");
        assertEquals(PinGate.MAX_FAILURES, gate.refusedWrongPin());
        assertEquals(1, gate.refusedRateLimited());
        clock.now = clock.now.plus(Duration.ofSeconds(61));
        assertEquals("speaker", verdict(gate, dial("board", "1111", "127.0.0.7")), "the window passed");
    }
}
