package dev.mcu.transport;

import dev.mcu.transport.testing.TestTransportThreads;
import org.junit.jupiter.api.AfterAll;
import dev.mcu.media.MediaKind;
import dev.mcu.media.rtcp.FullIntraRequest;
import dev.mcu.media.NegotiatedStream;
import dev.mcu.media.rtcp.GenericNack;
import dev.mcu.media.rtcp.PictureLossIndication;
import dev.mcu.media.rtcp.ReceiverReport;
import dev.mcu.media.rtcp.Remb;
import dev.mcu.media.rtcp.ReportBlock;
import dev.mcu.media.rtcp.RtcpCompound;
import dev.mcu.media.rtcp.RtcpPacket;
import dev.mcu.media.rtcp.SenderReport;
import dev.mcu.media.rtcp.SourceDescription;
import dev.mcu.media.rtp.RtpPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static dev.mcu.transport.Phone.LOOPBACK;
import static dev.mcu.transport.RecordingListener.await;
import static dev.mcu.transport.TestStreams.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UdpMediaTransportRtcpTest {
    private static final TestTransportThreads THREADS = new TestTransportThreads();

    @AfterAll
    static void stopThreads() {
        THREADS.close();
    }

    private UdpMediaTransportFactory factory;
    private MediaTransport transport;
    private Phone phone;
    private final RecordingListener listener = new RecordingListener();

    @BeforeEach
    void start() throws Exception {
        int base = FreePortRange.of(40);
        factory = new UdpMediaTransportFactory(UdpTransportConfig.defaults(LOOPBACK).withPorts(base, base + 39)
                .withRtcpIntervalMillis(100), THREADS.eventLoops());
        transport = factory.create("call-rtcp", LOOPBACK);
        transport.bound().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS); // epoll/io_uring bind on the loop
        transport.setListener(listener);
        phone = new Phone();
    }

    @AfterEach
    void stop() {
        phone.close();
        transport.close();
        factory.close();
    }

    private static <T extends RtcpPacket> T find(List<RtcpPacket> compound, Class<T> type) {
        return compound.stream().filter(type::isInstance).map(type::cast).findFirst().orElse(null);
    }

    private static boolean has(List<RtcpPacket> compound, Class<? extends RtcpPacket> type) {
        return find(compound, type) != null;
    }

    private int videoPort() {
        return transport.localPort(MediaKind.VIDEO);
    }

    @Test
    void aNackRetransmitsExactlyTheNamedPacketsStillInTheCache() {
        transport.configure(video(), phone.address(), true);
        for (int seq = 100; seq < 120; seq++) {
            transport.sendRtp(MediaKind.VIDEO, mcuVideo(seq));
        }
        for (int i = 0; i < 20; i++) {
            phone.receiveRtp();
        }

        phone.send(RtcpCompound.write(List.of(new GenericNack(REMOTE_SSRC, MCU_SSRC, List.of(103, 105, 118, 5000)))),
                videoPort());

        Set<Integer> resent = new TreeSet<>();
        for (int i = 0; i < 3; i++) {
            RtpPacket packet = RtpPacket.parse(phone.receiveRtp());
            assertEquals(VIDEO_PT, packet.payloadType());
            resent.add(packet.sequenceNumber());
        }
        assertEquals(Set.of(103, 105, 118), resent);
        TransportStats stats = transport.stats(MediaKind.VIDEO);
        assertEquals(1, stats.nacksReceived());
        assertEquals(3, stats.retransmitted());
    }

    @Test
    void pliAndFirOnTheSeparateRtcpPortReachTheListener() throws Exception {
        transport.configure(video(), phone.address(), false);
        Phone rtcpPhone = new Phone();
        try {
            rtcpPhone.send(RtcpCompound.write(List.of(new PictureLossIndication(REMOTE_SSRC, MCU_SSRC))),
                    videoPort() + 1);
            rtcpPhone.send(RtcpCompound.write(List.of(new ReceiverReport(REMOTE_SSRC, List.of()),
                    new FullIntraRequest(REMOTE_SSRC, List.of(new FullIntraRequest.Entry(MCU_SSRC, 1))))),
                    videoPort() + 1);

            await("two keyframe requests", () -> listener.keyframeRequests.get() == 2);
            assertEquals(2, transport.stats(MediaKind.VIDEO).keyframeRequestsReceived());
            assertEquals(2, transport.stats(MediaKind.VIDEO).rtcpReceived());
        } finally {
            rtcpPhone.close();
        }
    }

    @Test
    void aFirOnTheMuxedPortReachesTheListener() throws Exception {
        transport.configure(video(), phone.address(), true);
        phone.send(RtcpCompound.write(List.of(new ReceiverReport(REMOTE_SSRC, List.of()),
                new FullIntraRequest(REMOTE_SSRC, List.of(new FullIntraRequest.Entry(MCU_SSRC, 1))))), videoPort());

        await("a keyframe request", () -> listener.keyframeRequests.get() == 1);
    }

    @Test
    void theLossThePhoneReportsForOurStreamIsRememberedAndOthersAreIgnored() throws Exception {
        transport.configure(video(), phone.address(), true);
        phone.send(remoteVideo(1), videoPort());
        listener.nextRtp();
        assertEquals(-1, transport.stats(MediaKind.VIDEO).remoteFractionLost(), "no report yet");
        transport.sendRtp(MediaKind.VIDEO, mcuVideo(1));

        phone.send(RtcpCompound.write(List.of(new ReceiverReport(REMOTE_SSRC, List.of(
                new ReportBlock(0x0bad_cafeL, 200, 9, 1, 0, 0, 0),     // about some other stream: ignored
                new ReportBlock(MCU_SSRC, 64, 30, 1, 0, 0, 0))))), videoPort()); // 64/256 = 25% of ours lost

        await("the loss report", () -> transport.stats(MediaKind.VIDEO).remoteFractionLost() == 64);
    }

    @Test
    void theRembBitrateIsRemembered() throws Exception {
        transport.configure(video(), phone.address(), true);
        phone.send(RtcpCompound.write(List.of(new ReceiverReport(REMOTE_SSRC, List.of()),
                new Remb(REMOTE_SSRC, 1_500_000, List.of(MCU_SSRC)))), videoPort());

        await("the REMB", () -> transport.stats(MediaKind.VIDEO).remoteBitrateEstimateBps() == 1_500_000);
        assertEquals(1_500_000, ((UdpMediaTransport) transport).remoteBitrateEstimateBps(MediaKind.VIDEO));
    }

    @Test
    void periodicReceiverReportsShowTheLossOfADeliberateGap() throws Exception {
        transport.configure(video(), phone.address(), true);
        for (int seq = 0; seq < 30; seq++) {
            if (seq < 10 || seq >= 20) {
                phone.send(remoteVideo(seq), videoPort());
            }
        }
        await("20 packets", () -> transport.stats(MediaKind.VIDEO).packetsReceived() == 20);
        assertEquals(10, transport.stats(MediaKind.VIDEO).packetsLost());

        List<RtcpPacket> compound = phone.receiveRtcp(packets -> {
            ReceiverReport rr = find(packets, ReceiverReport.class);
            return rr != null && rr.reports().size() == 1 && rr.reports().get(0).cumulativeLost() == 10;
        });

        ReportBlock block = find(compound, ReceiverReport.class).reports().get(0);
        assertEquals(REMOTE_SSRC, block.ssrc());
        assertEquals(29, block.extendedHighestSequence());
        SourceDescription sdes = find(compound, SourceDescription.class);
        assertTrue(sdes.chunks().get(0).cname().startsWith("mcu-"));
    }

    @Test
    void afterSendingTheReportIsASenderReportWithOurCounts() {
        transport.configure(video(), phone.address(), true);
        for (int seq = 0; seq < 5; seq++) {
            transport.sendRtp(MediaKind.VIDEO, mcuVideo(seq));
        }

        List<RtcpPacket> compound = phone.receiveRtcp(packets -> has(packets, SenderReport.class));

        SenderReport sr = find(compound, SenderReport.class);
        assertEquals(MCU_SSRC, sr.senderSsrc());
        assertEquals(5, sr.packetCount());
        assertEquals(5 * 3, sr.octetCount());
        assertEquals(MCU_SSRC, find(compound, SourceDescription.class).chunks().get(0).ssrc());
    }

    @Test
    void ourReportCarriesTheLastSenderReportOfThePhone() throws Exception {
        transport.configure(video(), phone.address(), true);
        phone.send(remoteVideo(1), videoPort());
        listener.nextRtp();
        long ntp = 0xe000_0000_1234_5678L;
        phone.send(RtcpCompound.write(List.of(new SenderReport(REMOTE_SSRC, ntp, 3000, 1, 4, List.of()))),
                videoPort());

        List<RtcpPacket> compound = phone.receiveRtcp(packets -> {
            ReceiverReport rr = find(packets, ReceiverReport.class);
            return rr != null && !rr.reports().isEmpty() && rr.reports().get(0).lastSr() != 0;
        });

        assertEquals(0x0000_1234L, find(compound, ReceiverReport.class).reports().get(0).lastSr());
    }

    @Test
    void keyframeRequestsNameThePhonesVideoSourceAndAreRateLimited() throws Exception {
        NegotiatedStream agreedFir = video();
        agreedFir = new NegotiatedStream(agreedFir.kind(), agreedFir.codec(), agreedFir.payloadType(), agreedFir.fmtp(),
                agreedFir.telephoneEventPayloadType(), agreedFir.direction(), agreedFir.bandwidthKbps(), true);
        transport.configure(agreedFir, phone.address(), true);
        phone.send(remoteVideo(1), videoPort());
        listener.nextRtp();

        transport.requestKeyframe();
        transport.requestKeyframe();

        List<RtcpPacket> compound = phone.receiveRtcp(packets -> has(packets, PictureLossIndication.class));
        assertEquals(REMOTE_SSRC, find(compound, PictureLossIndication.class).mediaSsrc());
        assertEquals(REMOTE_SSRC, find(compound, FullIntraRequest.class).entries().get(0).ssrc());
        TransportStats stats = transport.stats(MediaKind.VIDEO);
        assertEquals(1, stats.keyframeRequestsSent());
        assertEquals(1, stats.keyframeRequestsSuppressed());
    }

    @Test
    void aPhoneThatDidNotAgreeToFirGetsOnlyAPli() throws Exception {
        transport.configure(video(), phone.address(), true);
        phone.send(remoteVideo(1), videoPort());
        listener.nextRtp();

        transport.requestKeyframe();

        List<RtcpPacket> compound = phone.receiveRtcp(packets -> has(packets, PictureLossIndication.class));
        assertEquals(REMOTE_SSRC, find(compound, PictureLossIndication.class).mediaSsrc());
        assertEquals(null, find(compound, FullIntraRequest.class), "no FIR without a=rtcp-fb ccm fir");
    }
}
