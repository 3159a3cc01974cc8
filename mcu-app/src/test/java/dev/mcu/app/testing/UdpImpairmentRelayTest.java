package dev.mcu.app.testing;

import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relay on loopback: a "server" on 127.0.0.1, the relay on 127.0.0.2 at the same ports, a
 * "phone" on 127.0.0.3.
 */
class UdpImpairmentRelayTest {
    private static final InetAddress SERVER = address("127.0.0.1");
    private static final InetAddress RELAY = address("127.0.0.2");
    private static final InetAddress PHONE = address("127.0.0.3");

    /**
     * A datagram to a server port nobody listens on (a media port the server announced but has not
     * bound yet) is lost on its own; the ICMP error it causes does not stop the relay, so the phone's
     * next datagrams (its ACK) still reach the server and the answers come back.
     */
    @Test
    void aPortUnreachableCostsOnlyItsOwnDatagram() throws Exception {
        int deadPort;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(SERVER, 0))) {
            deadPort = probe.getLocalPort(); // free again once closed
        }
        try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(SERVER, 0));
             DatagramSocket phone = new DatagramSocket(new InetSocketAddress(PHONE, 0));
             UdpImpairmentRelay relay = new UdpImpairmentRelay(RELAY.getHostAddress(), SERVER.getHostAddress(),
                     List.of(server.getLocalPort(), deadPort), PHONE.getHostAddress())) {
            server.setSoTimeout(5000);
            phone.setSoTimeout(5000);
            for (int i = 0; i < 3; i++) {
                send(phone, "early rtp " + i, RELAY, deadPort);
                Thread.sleep(50); // lets the ICMP error come back before the next datagram on that flow
            }
            send(phone, "ACK", RELAY, server.getLocalPort());
            DatagramPacket ack = receive(server);
            assertEquals("ACK", text(ack), "the server got the phone's datagram through the relay; " + relay.describe());
            send(server, "BYE", ack.getAddress(), ack.getPort());
            assertEquals("BYE", text(receive(phone)), "the phone got the server's answer back; " + relay.describe());
            assertTrue(relay.unreachable() >= 1, "the relay saw the ICMP errors; " + relay.describe());
            assertEquals(2, relay.flows(), relay.describe());
        }
    }

    private static void send(DatagramSocket from, String text, InetAddress to, int port) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        from.send(new DatagramPacket(bytes, bytes.length, to, port));
    }

    private static DatagramPacket receive(DatagramSocket socket) throws Exception {
        DatagramPacket packet = new DatagramPacket(new byte[1500], 1500);
        socket.receive(packet);
        return packet;
    }

    private static String text(DatagramPacket packet) {
        return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.US_ASCII);
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
