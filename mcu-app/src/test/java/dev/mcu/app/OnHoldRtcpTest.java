package dev.mcu.app;

import dev.mcu.app.events.McuEvent;
import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.TestServers;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The media watchdog's rule for a call on hold: it sends no RTP by agreement (a=inactive), so it
 * is judged by its RTCP with four times media.timeoutSeconds. A held call that keeps sending RTCP
 * receiver reports outlives several plain limits; once its RTCP stops too, it is hung up.
 */
class OnHoldRtcpTest {
    private static final int TIMEOUT_SECONDS = 2;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<McuEvent> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private static String offer(int port, String direction, int version) {
        return "v=0\r\no=held 1 " + version + " IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + port + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=" + direction + "\r\n";
    }

    @Test
    void aHeldCallSendingRtcpIsKeptAndEndedOnlyWhenItsRtcpStops() throws Exception {
        McuServer server = TestServers.start("media.timeoutSeconds=" + TIMEOUT_SECONDS);
        toClose.add(server);
        toClose.add(server.events().subscribe(events::add));
        DatagramSocket media = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        toClose.add(media);
        SipTestPhone phone = new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", "held");
        toClose.add(phone);
        SipTestPhone.Outgoing call = phone.invite("standup", offer(media.getLocalPort(), "sendrecv", 1));
        PhoneResponse answer = call.awaitFinal();
        assertEquals(200, answer.status(), answer.reason());
        call.ack();
        Matcher port = Pattern.compile("m=audio (\\d+)").matcher(answer.body());
        port.find();
        InetSocketAddress mcu = new InetSocketAddress("127.0.0.1", Integer.parseInt(port.group(1)));
        long ssrc = 0x48454c44L;
        for (int i = 0; i < 25; i++) {   // half a second of RTP, then hold
            byte[] rtp = RtpPacket.build(0, i == 0, i, i * 160L, ssrc, new byte[160]);
            media.send(new DatagramPacket(rtp, rtp.length, mcu));
            Thread.sleep(20);
        }
        assertEquals(200, call.reinvite(offer(media.getLocalPort(), "inactive", 2)).status(), "hold accepted");

        // On hold with RTCP only, for three times the plain limit: still up.
        byte[] receiverReport = {(byte) 0x80, (byte) 201, 0, 1, 0x48, 0x45, 0x4c, 0x44};
        long heldUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(3L * TIMEOUT_SECONDS);
        while (System.nanoTime() < heldUntil) {
            media.send(new DatagramPacket(receiverReport, receiverReport.length, mcu));
            assertNull(call.byes.poll(500, TimeUnit.MILLISECONDS), "a held call sending RTCP was hung up");
        }
        assertEquals(1, server.calls().size(), "the held call is still up");

        // RTCP stops too: the call is dead and ends after four times the limit.
        assertNotNull(call.byes.poll(4L * TIMEOUT_SECONDS + 6, TimeUnit.SECONDS), "a held call without RTCP was kept");
        Await.until(Duration.ofSeconds(5), () -> events.stream().anyMatch(e -> e.type().equals("participant.left")
                && "media-timeout".equals(e.fields().get("reason"))), events::toString);
    }
}
