package dev.mcu.transport;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PortAllocatorTest {

    @Test
    void aBusyPortMovesOnToTheNextPair() throws IOException {
        PortAllocator ports = new PortAllocator(10_000, 10_009);
        List<Integer> tried = new ArrayList<>();

        int got = ports.allocate(port -> {
            tried.add(port);
            if (port == 10_000) {
                throw new IOException("cannot bind UDP " + port);
            }
            return port;
        });

        assertEquals(10_002, got);
        assertEquals(List.of(10_000, 10_002), tried);
        assertEquals(1, ports.inUseCount());
    }

    @Test
    void noFileDescriptorLeftIsNotTakenForABusyPortAndStopsAtOnce() {
        PortAllocator ports = new PortAllocator(10_000, 19_999);
        List<Integer> tried = new ArrayList<>();

        OpenFiles.LimitReached refused = assertThrows(OpenFiles.LimitReached.class, () -> ports.allocate(port -> {
            tried.add(port);
            throw OpenFiles.limitReached(port, new SocketException("Too many open files"));
        }));

        assertEquals(List.of(10_000), tried, "5,000 pairs would each fail the same way: one try is enough");
        assertEquals(0, ports.inUseCount());
        assertTrue(refused.getMessage().contains("open-file limit") && refused.getMessage().contains("LimitNOFILE"),
                refused.getMessage());
    }

    @Test
    void emfileIsToldApartFromAddressInUse() {
        assertTrue(OpenFiles.exhausted(new IOException("cannot bind", new SocketException("Too many open files"))));
        assertTrue(OpenFiles.exhausted(new RuntimeException("newSocketDgram(..) failed: EMFILE")));
        assertEquals(false, OpenFiles.exhausted(new IOException("cannot bind",
                new java.net.BindException("Address already in use"))));
    }
}
