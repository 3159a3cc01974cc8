package dev.mcu.app.testing;

import dev.mcu.media.MediaKind;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.sdp.MediaDescription;
import dev.mcu.sdp.SdpParseException;
import dev.mcu.sdp.SessionDescription;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.EnumMap;
import java.util.Map;

/**
 * A call's media end whose every datagram the test writes by hand: it offers Opus (payload type
 * 111) and H.264 packetization-mode 1 (96) on its own loopback sockets, and then sends whatever bytes
 * a test asks for to the server's RTP or RTCP port, either from the socket the server latched onto
 * (so the bytes get past the anti-spoofing latch) or from a stranger's socket. It never reads what
 * the server sends it.
 *
 * <p>Used from the test thread only; {@link #close()} closes the sockets.
 */
public final class RawMediaPeer implements AutoCloseable {
    public static final int AUDIO_PAYLOAD_TYPE = 111;
    public static final int VIDEO_PAYLOAD_TYPE = 96;
    public static final long AUDIO_SSRC = 0x0a0d10L;
    public static final long VIDEO_SSRC = 0x0f1de0L;

    /** Which of the server's two ports of a media kind a datagram goes to. */
    public enum Port { RTP, RTCP }

    private final String name;
    private final DatagramSocket audio;    // owned
    private final DatagramSocket video;    // owned
    private final DatagramSocket stranger; // owned: a socket the server never latched onto
    private final Map<MediaKind, Integer> serverRtpPorts = new EnumMap<>(MediaKind.class);

    public RawMediaPeer(String name) throws SocketException {
        this.name = name;
        InetAddress loopback = InetAddress.getLoopbackAddress();
        this.audio = new DatagramSocket(new InetSocketAddress(loopback, 0));
        this.video = new DatagramSocket(new InetSocketAddress(loopback, 0));
        this.stranger = new DatagramSocket(new InetSocketAddress(loopback, 0));
    }

    public String name() {
        return name;
    }

    public String offer() {
        return "v=0\r\n"
                + "o=" + name + " 1 1 IN IP4 127.0.0.1\r\n"
                + "s=raw\r\n"
                + "c=IN IP4 127.0.0.1\r\n"
                + "t=0 0\r\n"
                + "m=audio " + audio.getLocalPort() + " RTP/AVP " + AUDIO_PAYLOAD_TYPE + "\r\n"
                + "a=rtpmap:" + AUDIO_PAYLOAD_TYPE + " opus/48000/2\r\n"
                + "a=sendrecv\r\n"
                + "m=video " + video.getLocalPort() + " RTP/AVPF " + VIDEO_PAYLOAD_TYPE + "\r\n"
                + "a=rtpmap:" + VIDEO_PAYLOAD_TYPE + " H264/90000\r\n"
                + "a=fmtp:" + VIDEO_PAYLOAD_TYPE + " profile-level-id=42e01f;packetization-mode=1\r\n"
                + "a=rtcp-fb:" + VIDEO_PAYLOAD_TYPE + " nack pli\r\n"
                + "a=sendrecv\r\n";
    }

    /** A PCMU-only offer on loopback {@code port}, for calls that only need to exist. */
    public static String audioOnlyOffer(String name, int port) {
        return "v=0\r\n"
                + "o=" + name + " 1 1 IN IP4 127.0.0.1\r\n"
                + "s=raw\r\n"
                + "c=IN IP4 127.0.0.1\r\n"
                + "t=0 0\r\n"
                + "m=audio " + port + " RTP/AVP 0\r\n"
                + "a=rtpmap:0 PCMU/8000\r\n"
                + "a=sendrecv\r\n";
    }

    /**
     * Learns the server's ports from its answer and sends one well-formed packet per media kind, so
     * the server latches onto this peer's sockets (an Opus frame of silence; an H.264 access unit
     * delimiter).
     */
    public void start(String answerSdp) throws SdpParseException, IOException {
        serverRtpPorts.putAll(serverRtpPorts(answerSdp));
        if (!serverRtpPorts.containsKey(MediaKind.AUDIO) || !serverRtpPorts.containsKey(MediaKind.VIDEO)) {
            throw new IllegalStateException(name + ": the answer did not take both audio and video: " + answerSdp);
        }
        byte[] opusSilence = {(byte) 0xf8, (byte) 0xff, (byte) 0xfe};
        send(MediaKind.AUDIO, Port.RTP, true, RtpPacket.build(AUDIO_PAYLOAD_TYPE, true, 1, 960, AUDIO_SSRC, opusSilence));
        byte[] accessUnitDelimiter = {0x09, (byte) 0xf0};
        send(MediaKind.VIDEO, Port.RTP, true, RtpPacket.build(VIDEO_PAYLOAD_TYPE, true, 1, 3000, VIDEO_SSRC,
                accessUnitDelimiter));
    }

    /** The server's RTP port of each media kind an SDP answer accepted (RTCP is RTP + 1). */
    public static Map<MediaKind, Integer> serverRtpPorts(String answerSdp) throws SdpParseException {
        Map<MediaKind, Integer> ports = new EnumMap<>(MediaKind.class);
        for (MediaDescription m : SessionDescription.parse(answerSdp).media()) {
            if (m.port() != 0 && m.media().equals("audio")) {
                ports.put(MediaKind.AUDIO, m.port());
            } else if (m.port() != 0 && m.media().equals("video")) {
                ports.put(MediaKind.VIDEO, m.port());
            }
        }
        return ports;
    }

    /** Sends one datagram to this call's server port, from the latched socket or from a stranger's. */
    public void send(MediaKind kind, Port port, boolean fromLatchedSocket, byte[] datagram) throws IOException {
        int serverPort = serverRtpPorts.get(kind) + (port == Port.RTCP ? 1 : 0);
        DatagramSocket from = !fromLatchedSocket ? stranger : kind == MediaKind.AUDIO ? audio : video;
        sendTo(from, serverPort, datagram);
    }

    /** Sends one datagram from a stranger's socket to any server port (e.g. another call's). */
    public void sendAsStranger(int serverPort, byte[] datagram) throws IOException {
        sendTo(stranger, serverPort, datagram);
    }

    private static void sendTo(DatagramSocket from, int serverPort, byte[] datagram) throws IOException {
        from.send(new DatagramPacket(datagram, datagram.length,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort)));
    }

    @Override
    public void close() {
        audio.close();
        video.close();
        stranger.close();
    }
}
