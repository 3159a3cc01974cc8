package dev.mcu.app;

import dev.mcu.app.testing.Await;
import dev.mcu.app.testing.TestServers;
import dev.mcu.media.MediaKind;
import dev.mcu.media.analysis.Tones;
import dev.mcu.sdp.MediaDescription;
import dev.mcu.sdp.SdesCrypto;
import dev.mcu.sdp.SessionDescription;
import dev.mcu.sip.Call;
import dev.mcu.sip.testing.PhoneResponse;
import dev.mcu.sip.testing.SipTestPhone;
import dev.mcu.webrtc.PacketBuffer;
import dev.mcu.webrtc.SrtpContext;
import dev.mcu.webrtc.SrtpProfile;
import dev.mcu.webrtc.SrtpStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An INVITE without SDP under {@code media.requireEncryption}: the server's offer in the 200 OK is
 * RTP/SAVP with an SDES key (RFC 4568), the phone answers in the ACK with its own key, and media runs
 * encrypted both ways under exactly those keys; a phone that answers such an offer with plain RTP is
 * hung up on. No installed phone sends an INVITE without SDP (baresip and linphone always offer) and
 * sipp 3.6.1 has no SRTP, so the phones here are the JAIN-SIP test phone with SRTP done by our
 * RFC 3711 code (itself checked against the RFC's vectors and against baresip and linphone in
 * {@link SdesSrtpTest}).
 */
class OfferlessSrtpTest {
    private static final int PCMU = 0;
    private static final int SAMPLES_PER_PACKET = 160;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        toClose.add(resource);
        return resource;
    }

    @Test
    void anInviteWithoutSdpIsOfferedSrtpAndTwoSuchPhonesHearEachOtherThroughIt() throws Exception {
        McuServer server = closeLater(TestServers.start("media.requireEncryption=true"));
        SrtpPhone low = closeLater(new SrtpPhone(server, "low", 600, 0x1111));
        SrtpPhone high = closeLater(new SrtpPhone(server, "high", 1000, 0x2222));
        Await.until(Duration.ofSeconds(10), () -> server.roomSnapshot("secret").map(s -> s.participants() == 2).orElse(false),
                () -> "the two SRTP calls are not both in the room");

        List<short[]> heardByLow = new ArrayList<>();
        int authenticated = 0;
        for (int packet = 0; packet < 200; packet++) {  // 4 s of audio from each phone
            low.sendTone(packet);
            high.sendTone(packet);
            authenticated += low.receive(heardByLow);
            high.receive(new ArrayList<>());
            TimeUnit.MILLISECONDS.sleep(20);
        }
        assertTrue(authenticated > 50, "the server's packets to 'low' authenticate under the key it offered: " + authenticated);
        short[] lastSecond = lastSamples(heardByLow, 8000);
        double heardHigh = Tones.amplitude(lastSecond, 1000, 8000);
        double heardOwn = Tones.amplitude(lastSecond, 600, 8000);
        assertTrue(heardHigh > 1000 && heardOwn < heardHigh * 0.1,
                String.format("'low' hears 'high' (1000 Hz=%.0f) and not itself (600 Hz=%.0f) through SRTP", heardHigh, heardOwn));
        for (Call call : server.calls()) {
            long srtpDrops = call.transport().stats(MediaKind.AUDIO).droppedByReason().getOrDefault("srtp", 0L);
            assertEquals(0, srtpDrops, "every packet the phones sent authenticated under the key they answered");
        }
    }

    @Test
    void aPhoneThatAnswersTheSrtpOfferWithPlainRtpIsHungUpOn() throws Exception {
        McuServer server = closeLater(TestServers.start("media.requireEncryption=true"));
        SipTestPhone phone = closeLater(new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", "plain"));
        SipTestPhone.Outgoing call = phone.invite("secret", null);
        PhoneResponse ok = call.awaitFinal();
        assertEquals(200, ok.status(), ok.reason());
        assertTrue(ok.body().contains("RTP/SAVP") && ok.body().contains("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"),
                "the server offers SRTP:\n" + ok.body());
        call.ack("v=0\r\no=plain 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\nm=video 0 RTP/AVP 96\r\n");
        assertTrue(call.awaitByeFromServer() != null, "the server hangs up on an unencrypted answer");
        Await.until(Duration.ofSeconds(5), () -> server.roomSnapshot("secret").map(s -> s.participants() == 0).orElse(true),
                () -> "the refused call keeps a room slot");
    }

    private static short[] lastSamples(List<short[]> packets, int count) {
        short[] out = new short[count];
        int filled = 0;
        for (int i = packets.size() - 1; i >= 0 && filled < count; i--) {
            short[] p = packets.get(i);
            int n = Math.min(p.length, count - filled);
            System.arraycopy(p, p.length - n, out, count - filled - n, n);
            filled += n;
        }
        return out;
    }

    /** A phone that dials in without SDP, answers the server's SRTP offer and sends a PCMU tone over SRTP. */
    private static final class SrtpPhone implements AutoCloseable {
        private final SipTestPhone sip;
        private final DatagramSocket rtp;
        private final SrtpContext outgoing;   // our key: what we send
        private final SrtpContext incoming;   // the server's offered key: what it sends us
        private final InetSocketAddress serverAudio;
        private final double toneHz;
        private final int ssrc;

        SrtpPhone(McuServer server, String name, double toneHz, int ssrc) throws Exception {
            this.toneHz = toneHz;
            this.ssrc = ssrc;
            sip = new SipTestPhone("127.0.0.1", server.config().sip().port(), "udp", name);
            rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            rtp.setSoTimeout(1);
            SipTestPhone.Outgoing call = sip.invite("secret", null);
            PhoneResponse ok = call.awaitFinal();
            assertEquals(200, ok.status(), ok.reason());
            SessionDescription offer = SessionDescription.parse(ok.body());
            MediaDescription audio = offer.media().get(0);
            assertEquals("audio", audio.media());
            assertEquals("RTP/SAVP", audio.protocol(), "encryption is required, so the server offers SRTP:\n" + ok.body());
            SdesCrypto serverKey = SdesCrypto.parse(audio.attributes().values("crypto").get(0)).orElseThrow();
            SdesCrypto ourKey = SdesCrypto.random(serverKey.tag(), SrtpProfile.AES128_CM_HMAC_SHA1_80);
            outgoing = SrtpContext.create(ourKey.profile(), ourKey.masterKey(), ourKey.masterSalt());
            incoming = SrtpContext.create(serverKey.profile(), serverKey.masterKey(), serverKey.masterSalt());
            serverAudio = new InetSocketAddress(offer.connectionFor(audio).orElseThrow().host(), audio.port());
            call.ack("v=0\r\no=" + name + " 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                    + "m=audio " + rtp.getLocalPort() + " RTP/SAVP " + PCMU + "\r\na=rtpmap:0 PCMU/8000\r\n"
                    + "a=crypto:" + ourKey.value() + "\r\na=rtcp-mux\r\n"
                    + "m=video 0 RTP/SAVP " + offer.media().get(1).payloadTypes().get(0) + "\r\n");
        }

        void sendTone(int sequence) throws Exception {
            byte[] packet = new byte[12 + SAMPLES_PER_PACKET + SrtpContext.MAX_TRAILER];
            packet[0] = (byte) 0x80;
            packet[1] = (byte) PCMU;
            packet[2] = (byte) (sequence >> 8);
            packet[3] = (byte) sequence;
            int timestamp = sequence * SAMPLES_PER_PACKET;
            for (int i = 0; i < 4; i++) {
                packet[4 + i] = (byte) (timestamp >> (24 - 8 * i));
                packet[8 + i] = (byte) (ssrc >> (24 - 8 * i));
            }
            for (int i = 0; i < SAMPLES_PER_PACKET; i++) {
                double t = (double) (timestamp + i) / 8000;
                packet[12 + i] = linearToUlaw((short) (8000 * Math.sin(2 * Math.PI * toneHz * t)));
            }
            PacketBuffer buffer = new PacketBuffer(packet, 0, 12 + SAMPLES_PER_PACKET);
            assertEquals(SrtpStatus.OK, outgoing.protectRtp(buffer));
            rtp.send(new DatagramPacket(buffer.array(), buffer.offset(), buffer.length(), serverAudio));
        }

        /** Reads what the server sent so far; returns how many packets authenticated, their audio into {@code heard}. */
        int receive(List<short[]> heard) throws Exception {
            int ok = 0;
            byte[] datagram = new byte[1500];
            while (true) {
                DatagramPacket p = new DatagramPacket(datagram, datagram.length);
                try {
                    rtp.receive(p);
                } catch (SocketTimeoutException drained) {
                    return ok;
                }
                PacketBuffer buffer = PacketBuffer.copyOf(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                int payloadType = buffer.array()[1] & 0x7f;
                if (payloadType >= 72 && payloadType <= 79) {
                    continue; // RTCP (rtcp-mux): SRTCP, not audio
                }
                if (incoming.unprotectRtp(buffer) != SrtpStatus.OK) {
                    continue;
                }
                ok++;
                if (payloadType == PCMU) {
                    short[] samples = new short[buffer.length() - 12];
                    for (int i = 0; i < samples.length; i++) {
                        samples[i] = ulawToLinear(buffer.array()[buffer.offset() + 12 + i]);
                    }
                    heard.add(samples);
                }
            }
        }

        @Override
        public void close() {
            rtp.close();
            sip.close();
        }
    }

    // G.711 µ-law (ITU-T G.711), enough to write and read a test tone.
    private static final int ULAW_BIAS = 0x84;

    static byte linearToUlaw(short pcm) {
        int sign = (pcm >> 8) & 0x80;
        int magnitude = Math.min(sign != 0 ? -pcm : pcm, 32635) + ULAW_BIAS;
        int exponent = 7;
        for (int mask = 0x4000; (magnitude & mask) == 0 && exponent > 0; exponent--, mask >>= 1) {
            // find the segment
        }
        int mantissa = (magnitude >> (exponent + 3)) & 0x0f;
        return (byte) ~(sign | (exponent << 4) | mantissa);
    }

    static short ulawToLinear(byte ulaw) {
        int u = ~ulaw & 0xff;
        int magnitude = ((((u & 0x0f) << 3) + ULAW_BIAS) << ((u >> 4) & 7)) - ULAW_BIAS;
        return (short) ((u & 0x80) != 0 ? -magnitude : magnitude);
    }
}
