package dev.mcu.transport;

import dev.mcu.media.rtcp.RtcpCompound;
import dev.mcu.media.rtcp.RtcpPacket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;

/** The remote end in transport tests: a plain UDP socket on a loopback address. */
final class Phone implements AutoCloseable {
    static final InetAddress LOOPBACK = address("127.0.0.1");

    private final DatagramSocket socket;

    Phone() {
        this(LOOPBACK);
    }

    Phone(InetAddress address) {
        try {
            socket = new DatagramSocket(new InetSocketAddress(address, 0));
            socket.setSoTimeout(5000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    void send(byte[] data, int port) {
        try {
            socket.send(new DatagramPacket(data, data.length, LOOPBACK, port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] receive() {
        byte[] buffer = new byte[2048];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            return fail("nothing arrived at " + address() + " within 5 s");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Arrays.copyOf(buffer, packet.getLength());
    }

    static boolean isRtcp(byte[] datagram) {
        int type = datagram[1] & 0x7f;
        return type >= 64 && type <= 95;
    }

    /** The next RTP packet, skipping the periodic RTCP. */
    byte[] receiveRtp() {
        while (true) {
            byte[] datagram = receive();
            if (!isRtcp(datagram)) {
                return datagram;
            }
        }
    }

    /** The first RTCP compound that satisfies {@code wanted}, skipping others and RTP. */
    List<RtcpPacket> receiveRtcp(Predicate<List<RtcpPacket>> wanted) {
        while (true) {
            byte[] datagram = receive();
            if (isRtcp(datagram)) {
                List<RtcpPacket> packets = RtcpCompound.parse(datagram);
                if (packets != null && wanted.test(packets)) {
                    return packets;
                }
            }
        }
    }

    /** Fails if any datagram arrives within {@code millis}. */
    void assertNothingArrives(int millis) {
        byte[] buffer = new byte[2048];
        try {
            socket.setSoTimeout(millis);
            socket.receive(new DatagramPacket(buffer, buffer.length));
            fail("a datagram arrived at " + address());
        } catch (SocketTimeoutException expected) {
            // nothing came
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
