package dev.mcu.app.testing;

import dev.mcu.app.McuServer;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A synthetic participant calls a room from a SIP test phone over UDP on loopback. Test thread only. */
public final class Dial {
    private Dial() {
    }

    /** A call that was answered: its phone (closed by the caller, before the participant) and the INVITE's dialog. */
    public record Answered(SipTestPhone phone, SipTestPhone.Outgoing call) {
    }

    /**
     * INVITE with the participant's offer, a 200 OK (asserted, with the server's reason otherwise), ACK,
     * and the participant's media started on the answer. Returns the phone: the caller closes it
     * before the participant.
     */
    public static SipTestPhone into(McuServer server, String room, SyntheticParticipant person) throws Exception {
        return call(server, room, person).phone();
    }

    /** As {@link #into}, keeping the dialog (to answer or count the server's re-INVITEs). */
    public static Answered call(McuServer server, String room, SyntheticParticipant person) throws Exception {
        SipTestPhone phone = new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", person.name());
        try {
            SipTestPhone.Outgoing call = phone.invite(room, person.offer());
            PhoneResponse answer = call.awaitFinal();
            assertEquals(200, answer.status(), person.name() + " was not let into " + room + ": " + answer.reason());
            call.ack();
            person.start(answer.body());
            return new Answered(phone, call);
        } catch (Exception | AssertionError e) {
            phone.close();
            throw e;
        }
    }
}
