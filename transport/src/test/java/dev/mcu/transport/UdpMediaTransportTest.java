package dev.mcu.transport;

import dev.mcu.transport.testing.TestTransportThreads;
import org.junit.jupiter.api.AfterAll;
import dev.mcu.media.MediaKind;
import dev.mcu.media.dtmf.TelephoneEvent;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.media.Direction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.mcu.transport.Phone.LOOPBACK;
import static dev.mcu.transport.RecordingListener.await;
import static dev.mcu.transport.TestStreams.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A phone's RTP/RTCP socket pair: latching, sending, receiving, DTMF, closing; on each {@link IoEngine} that runs here. */
@ParameterizedClass(name = "on {0}")
@EnumSource(IoEngine.class)
class UdpMediaTransportTest {
    private static final Map<IoEngine, TestTransportThreads> THREADS = new EnumMap<>(IoEngine.class);

    @Parameter
    IoEngine engine;

    @AfterAll
    static void stopThreads() {
        THREADS.values().forEach(TestTransportThreads::close);
    }

    /** This engine's loops, shared by its tests. */
    private io.netty.channel.EventLoopGroup loops() {
        return THREADS.computeIfAbsent(engine, TestTransportThreads::new).eventLoops();
    }

    private final List<AutoCloseable> resources = new ArrayList<>();
    private UdpMediaTransportFactory factory;
    private MediaTransport transport;
    private final RecordingListener listener = new RecordingListener();

    private int firstPort;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(engine.available(), () -> engine.setting() + " cannot run here: " + engine.unavailableBecause());
        firstPort = FreePortRange.of(40);
        factory = open(new UdpMediaTransportFactory(UdpTransportConfig.defaults(LOOPBACK).withPorts(firstPort, firstPort + 39),
                loops()));
        transport = open(factory.create("call-1", LOOPBACK));
        transport.bound().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS); // native engines bind on the loop
        transport.setListener(listener);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private <T extends AutoCloseable> T open(T resource) {
        resources.add(resource);
        return resource;
    }

    @Test
    void nothingIsSentBeforeThePhonesFirstPacketWhenTheSdpNamesAnotherHost() throws Exception {
        Phone decoy = open(new Phone(Phone.address("127.0.0.5")));
        Phone phone = open(new Phone());
        transport.configure(video(), decoy.address(), true);

        transport.sendRtp(MediaKind.VIDEO, mcuVideo(1));
        assertEquals(1, transport.stats(MediaKind.VIDEO).sendDropped());
        assertEquals(0, transport.stats(MediaKind.VIDEO).packetsSent());

        phone.send(remoteVideo(1), transport.localPort(MediaKind.VIDEO));
        listener.nextRtp();
        assertEquals(Optional.of(phone.address()), transport.latchedRemote(MediaKind.VIDEO));

        transport.sendRtp(MediaKind.VIDEO, mcuVideo(2));
        assertEquals(2, RtpPacket.parse(phone.receiveRtp()).sequenceNumber());
        decoy.assertNothingArrives(200);
    }

    @Test
    void anSdpAddressOnTheSignallingHostGetsPacketsImmediately() {
        Phone phone = open(new Phone());
        transport.configure(video(), phone.address(), true);

        transport.sendRtp(MediaKind.VIDEO, mcuVideo(7));

        assertEquals(7, RtpPacket.parse(phone.receiveRtp()).sequenceNumber());
        assertEquals(Optional.empty(), transport.latchedRemote(MediaKind.VIDEO));
    }

    @Test
    void theAllowFlagTrustsSdpAddressesOnOtherHosts() throws Exception {
        int base = FreePortRange.of(40);
        UdpMediaTransportFactory permissive = open(new UdpMediaTransportFactory(UdpTransportConfig.defaults(LOOPBACK)
                .withPorts(base, base + 39).withAllowSdpAddressesOutsideSignallingHost(true), loops()));
        MediaTransport permissiveTransport = open(permissive.create("call-2", LOOPBACK));
        permissiveTransport.bound().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
        Phone elsewhere = open(new Phone(Phone.address("127.0.0.5")));
        permissiveTransport.configure(video(), elsewhere.address(), true);

        permissiveTransport.sendRtp(MediaKind.VIDEO, mcuVideo(3));

        assertEquals(3, RtpPacket.parse(elsewhere.receiveRtp()).sequenceNumber());
    }

    @Test
    void evenATrustedSdpAddressGivesWayToWhereMediaReallyComesFrom() throws Exception {
        Phone sdpSays = open(new Phone());
        Phone behindNat = open(new Phone());
        transport.configure(video(), sdpSays.address(), true);

        behindNat.send(remoteVideo(1), transport.localPort(MediaKind.VIDEO));
        listener.nextRtp();
        transport.sendRtp(MediaKind.VIDEO, mcuVideo(5));

        assertEquals(5, RtpPacket.parse(behindNat.receiveRtp()).sequenceNumber());
        sdpSays.assertNothingArrives(200);
    }

    @Test
    void packetsFromAnotherSourceAreDroppedOnceLatched() throws Exception {
        Phone phone = open(new Phone());
        Phone intruder = open(new Phone());
        transport.configure(video(), phone.address(), true);
        phone.send(remoteVideo(1), transport.localPort(MediaKind.VIDEO));
        listener.nextRtp();

        intruder.send(remoteVideo(2), transport.localPort(MediaKind.VIDEO));
        phone.send(remoteVideo(3), transport.localPort(MediaKind.VIDEO));

        assertEquals(3, listener.nextRtp().sequenceNumber());
        assertEquals(1, transport.stats(MediaKind.VIDEO).dropped());
    }

    @Test
    void sendingRewritesThePayloadTypeKeepsTheMarkerAndLeavesTheSharedArrayAlone() {
        Phone phone = open(new Phone());
        transport.configure(video(), phone.address(), true);
        byte[] shared = mcuVideo(42);
        byte[] before = shared.clone();

        transport.sendRtp(MediaKind.VIDEO, shared);
        byte[] received = phone.receiveRtp();

        RtpPacket packet = RtpPacket.parse(received);
        assertEquals(VIDEO_PT, packet.payloadType());
        assertTrue(packet.marker());
        assertEquals(42, packet.sequenceNumber());
        assertArrayEquals(new byte[] {9, 8, 7}, packet.copyPayload());
        assertArrayEquals(before, shared);
        assertEquals(1, transport.stats(MediaKind.VIDEO).packetsSent());
        assertEquals(shared.length, transport.stats(MediaKind.VIDEO).bytesSent());
    }

    @Test
    void aStreamTheMcuOnlyReceivesSendsNothing() {
        Phone phone = open(new Phone());
        transport.configure(video(Direction.RECVONLY), phone.address(), true);

        transport.sendRtp(MediaKind.VIDEO, mcuVideo(1));

        assertEquals(1, transport.stats(MediaKind.VIDEO).sendDropped());
        assertEquals(0, transport.stats(MediaKind.VIDEO).packetsSent());
    }

    @Test
    void aDisabledKindNeitherSendsNorDelivers() throws Exception {
        Phone phone = open(new Phone());
        transport.configure(video(), phone.address(), true);
        transport.disable(MediaKind.VIDEO);

        transport.sendRtp(MediaKind.VIDEO, mcuVideo(1));
        phone.send(remoteVideo(1), transport.localPort(MediaKind.VIDEO));

        assertEquals(1, transport.stats(MediaKind.VIDEO).sendDropped());
        await("the packet to be dropped", () -> transport.stats(MediaKind.VIDEO).dropped() == 1);
        assertTrue(listener.rtp.isEmpty());
    }

    @Test
    void eachDtmfDigitIsReportedOnceAndAudioStillFlows() throws Exception {
        Phone phone = open(new Phone());
        transport.configure(audio(), phone.address(), true);
        int port = transport.localPort(MediaKind.AUDIO);
        int seq = 0;
        for (int[] digit : new int[][] {{7, 8000}, {11, 9600}}) {       // '7' then '#', by event and timestamp
            for (int packet = 0; packet < 6; packet++) {                // 3 progress + the end sent 3 times
                byte[] payload = new byte[4];
                new TelephoneEvent(digit[0], packet >= 3, 10, 160 * (packet + 1)).writeTo(payload, 0);
                phone.send(RtpPacket.build(TELEPHONE_EVENT_PT, packet == 0, seq++, digit[1], REMOTE_SSRC, payload),
                        port);
            }
        }
        phone.send(RtpPacket.build(AUDIO_PT, false, seq, 11200, REMOTE_SSRC, new byte[160]), port);

        assertEquals(seq, listener.nextRtp().sequenceNumber());
        assertEquals(List.of('7', '#'), new ArrayList<>(listener.digits));
        assertTrue(listener.rtp.isEmpty(), "telephone-events are not delivered as audio");
    }

    @Test
    void closingTwiceIsHarmlessAndFreesThePorts() {
        Phone phone = open(new Phone());
        transport.configure(video(), phone.address(), true);
        assertEquals(2, factory.portPairsInUse());
        transport.close();
        transport.close();
        assertEquals(0, factory.portPairsInUse());
        transport.sendRtp(MediaKind.VIDEO, mcuVideo(1));
        assertEquals(1, transport.stats(MediaKind.VIDEO).sendDropped());
    }

    @Test
    void eachKindGetsAnEvenPort() {
        assertEquals(0, transport.localPort(MediaKind.AUDIO) % 2);
        assertEquals(0, transport.localPort(MediaKind.VIDEO) % 2);
        assertTrue(Arrays.asList(transport.localPort(MediaKind.AUDIO), transport.localPort(MediaKind.VIDEO))
                .stream().allMatch(p -> p >= firstPort && p < firstPort + 40));
    }
}
