package dev.mcu.transport;

import dev.mcu.transport.testing.TestTransportThreads;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static dev.mcu.transport.Phone.LOOPBACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class UdpMediaTransportFactoryTest {
    private static final TestTransportThreads THREADS = new TestTransportThreads();

    @AfterAll
    static void stopThreads() {
        THREADS.close();
    }


    @Test
    void anExhaustedPortRangeThrowsIOExceptionAndClosingFreesIt() throws Exception {
        // two even/odd pairs: exactly one call's audio and video
        int base = FreePortRange.of(4);
        try (UdpMediaTransportFactory factory = new UdpMediaTransportFactory(
                UdpTransportConfig.defaults(LOOPBACK).withPorts(base, base + 3), THREADS.eventLoops())) {
            MediaTransport first = factory.create("first", LOOPBACK);

            assertThrows(IOException.class, () -> factory.create("second", LOOPBACK));
            assertEquals(2, factory.portPairsInUse());

            first.close();
            factory.create("third", LOOPBACK).close();
        }
    }

    @Test
    void anAudioOnlyCallHoldsOnlyTheAudioPairAndItsVideoStaysOff() throws Exception {
        // two pairs: an audio-only call leaves the second for the next call's audio
        int base = FreePortRange.of(4);
        try (UdpMediaTransportFactory factory = new UdpMediaTransportFactory(
                UdpTransportConfig.defaults(LOOPBACK).withPorts(base, base + 3), THREADS.eventLoops())) {
            MediaTransport first = factory.create("first", LOOPBACK, java.util.EnumSet.of(dev.mcu.media.MediaKind.AUDIO));
            MediaTransport second = factory.create("second", LOOPBACK, java.util.EnumSet.of(dev.mcu.media.MediaKind.AUDIO));

            assertEquals(base, first.localPort(dev.mcu.media.MediaKind.AUDIO));
            assertEquals(0, first.localPort(dev.mcu.media.MediaKind.VIDEO), "no video offered: port 0, refused");
            assertEquals(base + 2, second.localPort(dev.mcu.media.MediaKind.AUDIO));
            assertEquals(2, factory.portPairsInUse());
            first.sendRtp(dev.mcu.media.MediaKind.VIDEO, new byte[20]);
            assertEquals(1, first.stats(dev.mcu.media.MediaKind.VIDEO).sendDropped(), "video goes nowhere and is counted");

            first.close();
            second.close();
            assertEquals(0, factory.portPairsInUse());
        }
    }

    @Test
    void aPortTakenByAnotherProcessIsSkipped() throws Exception {
        int base = FreePortRange.of(6);
        try (java.net.DatagramSocket squatter = new java.net.DatagramSocket(base + 1, LOOPBACK);
             UdpMediaTransportFactory factory = new UdpMediaTransportFactory(
                     UdpTransportConfig.defaults(LOOPBACK).withPorts(base, base + 5), THREADS.eventLoops())) {
            MediaTransport transport = factory.create("call", LOOPBACK);
            assertEquals(base + 2, transport.localPort(dev.mcu.media.MediaKind.AUDIO));
            assertEquals(base + 4, transport.localPort(dev.mcu.media.MediaKind.VIDEO));
            transport.close();
        }
    }
}
