package dev.mcu.transport;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tests' port picker: a test asking for a SIP port and then a WebSocket port must not get one port twice. */
class FreePortRangeTest {

    @Test
    void portsHandedOutInOneJvmAreNeverHandedOutAgain() throws Exception {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            int port = i % 2 == 0 ? FreePortRange.udpAndTcp() : FreePortRange.udpOutside(0, 0, Set.of());
            assertTrue(port >= FreePortRange.FIRST_PORT && port <= FreePortRange.LAST_PORT, "port " + port);
            assertTrue(seen.add(port), "port " + port + " handed out twice");
        }
        assertEquals(300, seen.size());
    }
}
