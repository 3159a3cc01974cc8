package dev.mcu.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Before start-up, tries every port the configuration turns on and names each one that is taken,
 * with the key that moves it, so an operator fixes them all at once. SIP over TLS is the exception:
 * it is on by default (5061), and a machine where something else holds that port still starts, with
 * TLS off and a warning ({@link #tlsPortOrOff}). Called on the thread that starts the server.
 */
final class PortCheck {
    private static final Logger log = LoggerFactory.getLogger(PortCheck.class);

    private PortCheck() {
    }

    /**
     * {@code sip.tlsPort} when it can be listened on, else 0 with a warning: SIP over TLS is on by
     * default, so a port taken by another program (another SIP server, a second MCU) must not stop a
     * server whose UDP and TCP SIP work.
     */
    static int tlsPortOrOff(McuConfig config) {
        int port = config.sip().tlsPort();
        if (port == 0) {
            return 0;
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(config.sip().address());
        } catch (IOException e) {
            return port; // the SIP server names the bad address
        }
        if (tcpFree(address, port)) {
            return port;
        }
        log.warn("SIP over TLS is off: port {} (sip.tlsPort) on {} is in use by another program, so phones that dial"
                + " sips: or ;transport=tls cannot reach this server (SIP over UDP and TCP on {} works). Stop what uses"
                + " port {}, or move TLS with --set sip.tlsPort=N (sip.tlsPort=0 turns it off without this warning).",
                port, config.sip().address(), config.sip().port(), port);
        return 0;
    }

    /** @return one phrase per busy port, e.g. "http.port 8080 (TCP) is in use"; empty when all are free */
    static List<String> busyPorts(McuConfig config) {
        InetAddress address;
        try {
            address = InetAddress.getByName(config.sip().address());
        } catch (IOException e) {
            return List.of("sip.address " + config.sip().address() + " is not an address of this machine");
        }
        Map<String, Integer> tcp = new LinkedHashMap<>();
        Map<String, Integer> udp = new LinkedHashMap<>();
        if (config.sip().transports().contains("udp")) {
            udp.put("sip.port", config.sip().port());
        }
        if (config.sip().transports().contains("tcp")) {
            tcp.put("sip.port", config.sip().port());
        }
        tcp.put("sip.wsPort", config.sip().wsPort());
        tcp.put("sip.wssPort", config.sip().wssPort());
        tcp.put("http.port", config.http().port());
        tcp.put("http.httpsPort", config.http().httpsPort());
        udp.put("webrtc.port", config.webrtc().port());
        List<String> busy = new ArrayList<>();
        tcp.forEach((key, port) -> {
            if (port > 0 && !tcpFree(address, port)) {
                busy.add(key + " " + port + " (TCP) is in use");
            }
        });
        udp.forEach((key, port) -> {
            if (port > 0 && !udpFree(address, port)) {
                busy.add(key + " " + port + " (UDP) is in use");
            }
        });
        return busy;
    }

    private static boolean tcpFree(InetAddress address, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean udpFree(InetAddress address, int port) {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(address, port))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
