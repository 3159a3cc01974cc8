package dev.mcu.app;

import dev.mcu.app.testing.TestServers;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An audio-only phone holds ports (and sockets) for audio only: in a port range of three pairs two
 * such phones both get in (each used to take a video pair too, so the second got 503), which is
 * what lets 5,000 webinar attendees fit in a 20,000 open-file limit. A phone that adds video later
 * by re-INVITE is answered with its video refused (port 0), and its call stays up.
 */
class AudioOnlyCallSocketsTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private static String offer(int port, int version, boolean video) {
        return "v=0\r\no=phone 1 " + version + " IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + port + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n"
                + (video ? "m=video " + (port + 2) + " RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
                + "a=fmtp:96 profile-level-id=42e01f;packetization-mode=1\r\na=sendrecv\r\n" : "");
    }

    @Test
    void twoAudioOnlyPhonesFitInThreePortPairsAndVideoAddedLaterIsRefusedWithoutEndingTheCall() throws Exception {
        int base = TestServers.freeUdpPorts(6);
        McuServer server = TestServers.start("media.portMin=" + base, "media.portMax=" + (base + 5));
        toClose.add(server);
        List<SipTestPhone.Outgoing> calls = new ArrayList<>();
        List<Integer> phonePorts = new ArrayList<>();
        for (String name : List.of("first", "second")) {
            DatagramSocket media = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            toClose.add(media);
            SipTestPhone phone = new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", name);
            toClose.add(phone);
            SipTestPhone.Outgoing call = phone.invite("standup", offer(media.getLocalPort(), 1, false));
            PhoneResponse answer = call.awaitFinal();
            assertEquals(200, answer.status(), name + ": " + answer.reason());
            call.ack();
            Matcher audio = Pattern.compile("m=audio (\\d+)").matcher(answer.body());
            assertTrue(audio.find() && Integer.parseInt(audio.group(1)) >= base, answer.body());
            calls.add(call);
            phonePorts.add(media.getLocalPort());
        }
        assertEquals(2, server.calls().size());

        PhoneResponse withVideo = calls.get(0).reinvite(offer(phonePorts.get(0), 2, true));

        assertEquals(200, withVideo.status(), withVideo.reason());
        assertTrue(withVideo.body().contains("m=video 0 "), "video refused with port 0: " + withVideo.body());
        assertTrue(Pattern.compile("m=audio [1-9]").matcher(withVideo.body()).find(), withVideo.body());
        assertEquals(2, server.calls().size(), "both calls still up");
    }
}
