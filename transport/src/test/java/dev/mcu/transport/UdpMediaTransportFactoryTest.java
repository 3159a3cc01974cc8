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
        try (UdpMediaTransportFactory factory = new UdpMediaTransportFactory(
                UdpTransportConfig.defaults(LOOPBACK).withPorts(47900, 47903), THREADS.eventLoops())) {
            MediaTransport first = factory.create("first", LOOPBACK);

            assertThrows(IOException.class, () -> factory.create("second", LOOPBACK));
            assertEquals(2, factory.portPairsInUse());

            first.close();
            factory.create("third", LOOPBACK).close();
        }
    }

    @Test
    void aPortTakenByAnotherProcessIsSkipped() throws Exception {
        try (java.net.DatagramSocket squatter = new java.net.DatagramSocket(47911, LOOPBACK);
             UdpMediaTransportFactory factory = new UdpMediaTransportFactory(
                     UdpTransportConfig.defaults(LOOPBACK).withPorts(47910, 47915), THREADS.eventLoops())) {
            MediaTransport transport = factory.create("call", LOOPBACK);
            assertEquals(47912, transport.localPort(dev.mcu.media.MediaKind.AUDIO));
            assertEquals(47914, transport.localPort(dev.mcu.media.MediaKind.VIDEO));
            transport.close();
        }
    }
}
