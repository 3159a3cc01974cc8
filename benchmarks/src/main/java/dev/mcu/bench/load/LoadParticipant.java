package dev.mcu.bench.load;

import dev.mcu.media.analysis.Tones;
import dev.mcu.sdp.MediaDescription;
import dev.mcu.sdp.SdpParseException;
import dev.mcu.sdp.SessionDescription;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.List;

/**
 * One synthetic participant: its loopback RTP sockets (rtcp-mux, so one per media line), the
 * cached media it replays, and what it has received. A {@link Role#VIDEO} participant sends and
 * receives audio and H.264; a {@link Role#TALKER} sends only audio (the burst cycle) and receives
 * the mix; a {@link Role#LISTENER} offers audio recvonly and sends nothing; a {@link Role#VIEWER}
 * offers audio and video recvonly, sends nothing and says in its video line that it takes at most
 * {@value #VIEWER_MAX_KBPS} kbit/s ({@code b=AS}), as a phone on a modest link would, so the default output
 * ladder gives it the 640x360 layer; a {@link Role#WHEP_VIEWER} is that viewer over WHEP (one bundled
 * socket, see {@link WhepLink}).
 *
 * <p>Threads: built and started on the main thread; send state is touched only by the
 * {@link MediaPump} sender thread, receive statistics only by its receiver thread (read elsewhere
 * through volatile fields, for reports). Owns its channels; {@link #close()} frees them.
 */
final class LoadParticipant implements AutoCloseable {
    enum Role { VIDEO, TALKER, LISTENER, VIEWER, WHEP_VIEWER }

    /** A webinar video attendee's {@code b=AS}: below the 720p layer's 1,500 kbit/s, above the 360p layer's 500. */
    static final int VIEWER_MAX_KBPS = 600;
    static final String AUDIO_LEVEL_URI = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    static final int OFFERED_LEVEL_ID = 1;
    private static final java.util.regex.Pattern AGREED_LEVEL = java.util.regex.Pattern.compile(
            "a=extmap:(\\d+)(?:/\\w+)? " + java.util.regex.Pattern.quote(AUDIO_LEVEL_URI));

    final String name;
    final Role role;
    final DatagramChannel audio;              // owned; null when it listens on a shared socket
    /** The {@link SharedListenerSockets} port this listener names, or 0 when it has its own socket. */
    final int sharedAudioPort;
    final DatagramChannel video;              // owned, null without video
    final MediaLibrary.AudioLoop audioLoop;   // null for a listener
    final boolean sendsLevels;                // offers the RFC 6464 audio level and sends it when agreed
    final MediaLibrary.VideoLoop videoLoop;   // null without video
    final boolean burstTalker;                // its audio is the burst cycle
    final boolean latencyProbe;               // decodes what it hears to time the bursts
    final long audioSsrc;
    final long videoSsrc;
    final StreamStats audioIn = new StreamStats();
    final StreamStats videoIn = new StreamStats();
    /** Keeps the video this participant receives for the quality measurement; null: not the probe. */
    final VideoRecorder recorder;
    /** A WHEP viewer's ICE, DTLS and SRTP (its audio and video share {@link #audio}); null for SIP. */
    final WhepLink whep;

    volatile boolean started;
    InetSocketAddress remoteAudio;            // set in start(), before started
    InetSocketAddress remoteVideo;
    int audioPayloadType;
    int videoPayloadType;
    int audioLevelId = -1;                    // RFC 8285 id the answer agreed for the level, -1: none

    // sender thread only
    long audioFramesSent;
    long videoFramesSent;
    int audioSeq;
    int videoSeq;
    long startNanos;                          // on the pump's loop grid: see MediaPump.VIDEO_LOOP_NANOS

    LoadParticipant(String name, Role role, MediaLibrary.AudioLoop audioLoop, MediaLibrary.VideoLoop videoLoop,
                    boolean burstTalker, boolean latencyProbe, boolean sendsLevels) throws IOException {
        this(name, role, audioLoop, videoLoop, burstTalker, latencyProbe, sendsLevels, 0);
    }

    /** @param sharedAudioPort for a {@link Role#LISTENER}: a {@link SharedListenerSockets} port to name instead of its own socket's, or 0 */
    LoadParticipant(String name, Role role, MediaLibrary.AudioLoop audioLoop, MediaLibrary.VideoLoop videoLoop,
                    boolean burstTalker, boolean latencyProbe, boolean sendsLevels, int sharedAudioPort) throws IOException {
        this.name = name;
        this.role = role;
        this.audioLoop = audioLoop;
        this.sendsLevels = sendsLevels;
        this.videoLoop = videoLoop;
        this.burstTalker = burstTalker;
        this.latencyProbe = latencyProbe;
        this.audioSsrc = name.hashCode() & 0xffffffffL;
        this.videoSsrc = (name.hashCode() * 31L + 7) & 0xffffffffL;
        this.sharedAudioPort = role == Role.LISTENER ? sharedAudioPort : 0;
        this.audio = this.sharedAudioPort > 0 ? null : open();
        this.video = role == Role.VIDEO || role == Role.VIEWER ? open() : null;
        this.recorder = latencyProbe && role == Role.VIDEO ? new VideoRecorder() : null;
        this.whep = role == Role.WHEP_VIEWER ? new WhepLink() : null;
    }

    private static DatagramChannel open() throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress("127.0.0.1", 0));
        channel.configureBlocking(false);
        return channel;
    }

    static int port(DatagramChannel channel) {
        try {
            return ((InetSocketAddress) channel.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String offer() {
        StringBuilder sdp = new StringBuilder()
                .append("v=0\r\n")
                .append("o=").append(name).append(" 1 1 IN IP4 127.0.0.1\r\n")
                .append("s=load\r\n")
                .append("c=IN IP4 127.0.0.1\r\n")
                .append("t=0 0\r\n")
                .append("m=audio ").append(audioPort()).append(" RTP/AVP ").append(MediaLibrary.AUDIO_PAYLOAD_TYPE).append("\r\n")
                .append("a=rtpmap:").append(MediaLibrary.AUDIO_PAYLOAD_TYPE).append(" opus/48000/2\r\n")
                .append("a=rtcp-mux\r\n")
                .append(sendsLevels ? "a=extmap:" + OFFERED_LEVEL_ID + " " + AUDIO_LEVEL_URI + "\r\n" : "")
                .append(sendsNothing() ? "a=recvonly\r\n" : "a=sendrecv\r\n");
        if (video != null) {
            int pt = MediaLibrary.VIDEO_PAYLOAD_TYPE;
            sdp.append("m=video ").append(port(video)).append(" RTP/AVPF ").append(pt).append("\r\n")
                    .append(role == Role.VIEWER ? "b=AS:" + VIEWER_MAX_KBPS + "\r\n" : "")
                    .append("a=rtpmap:").append(pt).append(" H264/90000\r\n")
                    .append("a=fmtp:").append(pt).append(" profile-level-id=42e01f;packetization-mode=1\r\n")
                    .append("a=rtcp-fb:").append(pt).append(" nack pli\r\n")
                    .append("a=rtcp-mux\r\n")
                    .append(sendsNothing() ? "a=recvonly\r\n" : "a=sendrecv\r\n");
        }
        return sdp.toString();
    }

    /** The port our offer names for audio: its own socket's or the shared one's. */
    int audioPort() {
        return sharedAudioPort > 0 ? sharedAudioPort : port(audio);
    }

    /** A listener or viewer: receives only. */
    boolean sendsNothing() {
        return role == Role.LISTENER || role == Role.VIEWER || role == Role.WHEP_VIEWER;
    }

    /** Takes the server's answer; the pump starts sending and counting from now on. */
    void start(String answerSdp) throws SdpParseException {
        SessionDescription answer = SessionDescription.parse(answerSdp);
        for (MediaDescription m : answer.media()) {
            if (m.port() == 0) {
                continue;
            }
            String host = answer.connectionFor(m).map(c -> c.address()).orElse("127.0.0.1");
            InetSocketAddress where = new InetSocketAddress(host, m.port());
            int pt = Integer.parseInt(m.formats().get(0));
            if (m.media().equals("audio")) {
                remoteAudio = where;
                audioPayloadType = pt;
                if (sendsLevels) {
                    java.util.regex.Matcher agreed = AGREED_LEVEL.matcher(answerSdp);
                    audioLevelId = agreed.find() ? Integer.parseInt(agreed.group(1)) : -1;
                }
            } else if (m.media().equals("video") && (video != null || whep != null)) {
                remoteVideo = where;
                videoPayloadType = pt;
            }
        }
        if (remoteAudio == null) {
            throw new IllegalStateException(name + ": the answer accepted no audio");
        }
        if ((video != null || whep != null) && remoteVideo == null) {
            throw new IllegalStateException(name + ": the answer accepted no video");
        }
        started = true;
    }

    @Override
    public void close() {
        started = false;
        if (whep != null) {
            whep.close();
        }
        try {
            if (audio != null) {
                audio.close();
            }
            if (video != null) {
                video.close();
            }
        } catch (IOException e) {
            // closing a UDP channel does not fail in practice
        }
    }

    /**
     * Received-packet counters of one stream (RTP of the expected payload type only), with the
     * extended highest sequence number for loss. Written by the receiver thread only.
     */
    static final class StreamStats {
        volatile long packets;
        volatile long bytes;
        volatile long frames;          // packets with the marker bit (video: one per frame)
        volatile long highestSeq = -1; // extended
        long firstSeq = -1;

        void onPacket(int seq, int length, boolean marker) {
            long extended;
            if (highestSeq < 0) {
                extended = seq;
                firstSeq = seq;
            } else {
                long cycle = highestSeq & ~0xffffL;
                extended = cycle | seq;
                if (extended < highestSeq - 0x8000) {
                    extended += 0x10000;
                } else if (extended > highestSeq + 0x8000) {
                    extended -= 0x10000;
                }
            }
            if (extended > highestSeq) {
                highestSeq = extended;
            }
            packets++;
            bytes += length;
            if (marker) {
                frames++;
            }
        }

        Snapshot snapshot() {
            return new Snapshot(packets, bytes, frames, highestSeq);
        }
    }

    record Snapshot(long packets, long bytes, long frames, long highestSeq) {
        /** Packets the sender numbered between two snapshots that never arrived (reordering counts as 0). */
        long lostSince(Snapshot before) {
            if (before.highestSeq < 0 || highestSeq < 0) {
                return 0;
            }
            return Math.max(0, (highestSeq - before.highestSeq) - (packets - before.packets));
        }
    }

    /** The burst's amplitude in a decoded piece of the mix. */
    static double burstAmplitude(short[] pcm) {
        return pcm.length == 0 ? 0 : Tones.amplitude(pcm, MediaLibrary.BURST_HZ, 48_000);
    }
}
