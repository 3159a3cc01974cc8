package dev.mcu.app;

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
 * with the key that moves it, so an operator fixes them all at once.
 */
final class PortCheck {
    private PortCheck() {
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
