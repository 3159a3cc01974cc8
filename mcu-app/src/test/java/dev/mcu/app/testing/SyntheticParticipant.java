package dev.mcu.app.testing;

import dev.mcu.decoder.AudioDecoder;
import dev.mcu.decoder.VideoDecoder;
import dev.mcu.encoder.AudioEncoder;
import dev.mcu.encoder.VideoEncoder;
import dev.mcu.encoder.VideoEncoderConfig;
import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;
import dev.mcu.media.I420Frame;
import dev.mcu.media.analysis.Tones;
import dev.mcu.media.h264.H264Depacketizer;
import dev.mcu.media.h264.H264Packetizer;
import dev.mcu.media.rtcp.PictureLossIndication;
import dev.mcu.media.rtcp.Remb;
import dev.mcu.media.rtp.AudioLevelIndication;
import dev.mcu.media.rtp.Depacketizer;
import dev.mcu.media.rtp.Packetizer;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.media.vp8.Vp8Depacketizer;
import dev.mcu.media.vp8.Vp8Packetizer;
import dev.mcu.sdp.MediaDescription;
import dev.mcu.sdp.SdpParseException;
import dev.mcu.sdp.SessionDescription;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A conference participant made of the project's own codecs, for end-to-end tests: it sends a
 * solid-colour picture and a sine tone over RTP from its own loopback sockets, and decodes what the
 * MCU sends back (the composite it sees and the mix it hears). Signalling is the caller's job:
 * {@link #offer()} gives the SDP to put in an INVITE and {@link #start} takes the answer.
 * {@link #withAudioLevelExtension} makes it also claim a level of its choosing in an RFC 6464 header
 * extension, as a browser does, whatever its audio really holds.
 *
 * <p>Threads: a scheduler thread sends; one thread per socket receives and decodes. Everything is
 * released in {@link #close()}.
 */
public final class SyntheticParticipant implements AutoCloseable {
    public static final int SOURCE_WIDTH = 320;
    public static final int SOURCE_HEIGHT = 240;
    public static final int TONE_AMPLITUDE = 6000;
    /** The a=extmap id this participant offers for the RFC 6464 audio level. */
    public static final int AUDIO_LEVEL_EXTENSION_ID = 1;

    private final String name;
    private final Codec audioCodec;
    private final Codec videoCodec;            // null: audio only
    private final int packetizationMode;
    private final int[] yuv;
    private final double toneHz;
    private final DatagramSocket audioSocket;  // owned
    private final DatagramSocket videoSocket;  // owned, may be null
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
    private final short[] received = new short[Audio.SAMPLE_RATE * 10]; // ring of the last 10 s heard
    private final AtomicLong audioPacketsReceived = new AtomicLong();
    private final AtomicLong videoPacketsReceived = new AtomicLong();
    private final AtomicLong framesDecoded = new AtomicLong();
    private final AtomicLong videoSequenceJumps = new AtomicLong();
    private final AtomicLong keyframeRequestsSent = new AtomicLong();
    private final java.util.Set<Long> videoSsrcs = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Each picture size this participant decoded, in order, with whether its first frame was a keyframe. */
    private final List<String> pictureSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
    private int receivedWrite;
    private long receivedTotal;
    private volatile I420Frame lastPicture;
    private volatile long lastVideoSsrc;
    private volatile boolean running = true;
    private volatile boolean videoPaused;      // set by the test thread, read by the sender
    private int videoBandwidthKbps;
    private String h264ProfileLevelId = "42e01f";
    private InetSocketAddress remoteAudio;
    private InetSocketAddress remoteVideo;
    private int audioPayloadType;
    private int videoPayloadType;
    private int videoNoise;                    // luma noise amplitude of each picture, 0: a flat colour
    private int audioLevelIndication = AudioLevelIndication.ABSENT; // what the extension says, if offered
    private int agreedAudioLevelId = -1;                            // from the answer's a=extmap
    private Thread audioReceiver;
    private Thread videoReceiver;
    private AudioEncoder audioEncoder;         // owned: closed in close() after the sender stopped
    private VideoEncoder videoEncoder;         // owned: likewise

    /**
     * @param yuv  the colour this participant's camera shows, as {Y, U, V}
     */
    public SyntheticParticipant(String name, Codec audioCodec, Codec videoCodec, int packetizationMode,
                                int[] yuv, double toneHz) throws SocketException {
        this.name = name;
        this.audioCodec = audioCodec;
        this.videoCodec = videoCodec;
        this.packetizationMode = packetizationMode;
        this.yuv = yuv.clone();
        this.toneHz = toneHz;
        InetAddress loopback = InetAddress.getLoopbackAddress();
        this.audioSocket = new DatagramSocket(new InetSocketAddress(loopback, 0));
        this.videoSocket = videoCodec == null ? null : new DatagramSocket(new InetSocketAddress(loopback, 0));
    }

    public String name() {
        return name;
    }

    /**
     * Offers the RFC 6464 audio level (a=extmap:1) and, when the answer agrees, puts this level in a
     * one-byte header extension on every audio packet. Call before {@link #offer()}.
     *
     * @param levelMinusDbov 0 (loudest) .. 127 (silence)
     */
    public SyntheticParticipant withAudioLevelExtension(int levelMinusDbov, boolean voice) {
        this.audioLevelIndication = AudioLevelIndication.of(levelMinusDbov, voice);
        return this;
    }

    /**
     * Makes every picture sent its colour plus new random luma noise of up to +-{@code amplitude}:
     * the same colour on average, but video the encoders spend their whole bit rate on (a flat
     * colour costs a few kbit/s). Call before {@link #start}.
     */
    public SyntheticParticipant withVideoNoise(int amplitude) {
        this.videoNoise = amplitude;
        return this;
    }

    /**
     * What the video m-line of {@link #offer()} says this phone can take: a {@code b=AS} line (0 writes
     * none) and the H.264 profile-level-id (default 42e01f, level 3.1). Call before {@link #offer()}.
     */
    public SyntheticParticipant withVideoReceiveLimits(int bandwidthKbps, String h264ProfileLevelId) {
        this.videoBandwidthKbps = bandwidthKbps;
        this.h264ProfileLevelId = h264ProfileLevelId;
        return this;
    }

    /** The audio-level extension id the MCU's answer agreed, or -1. */
    public int agreedAudioLevelExtensionId() {
        return agreedAudioLevelId;
    }

    /** An SDP offer for this participant's codecs, on its loopback ports. */
    public String offer() {
        StringBuilder sdp = new StringBuilder()
                .append("v=0\r\n")
                .append("o=").append(name).append(" 1 1 IN IP4 127.0.0.1\r\n")
                .append("s=test\r\n")
                .append("c=IN IP4 127.0.0.1\r\n")
                .append("t=0 0\r\n");
        int audioPt = audioCodec.staticPayloadType() >= 0 ? audioCodec.staticPayloadType() : 111;
        sdp.append("m=audio ").append(audioSocket.getLocalPort()).append(" RTP/AVP ").append(audioPt).append(" 101\r\n")
                .append("a=rtpmap:").append(audioPt).append(' ').append(audioCodec.encodingName()).append('/')
                .append(audioCodec.rtpClockRate()).append(audioCodec == Codec.OPUS ? "/2" : "").append("\r\n")
                .append("a=rtpmap:101 telephone-event/8000\r\n");
        if (audioLevelIndication != AudioLevelIndication.ABSENT) {
            sdp.append("a=extmap:").append(AUDIO_LEVEL_EXTENSION_ID).append(' ').append(AudioLevelIndication.URI).append("\r\n");
        }
        sdp.append("a=sendrecv\r\n");
        if (videoCodec != null) {
            sdp.append("m=video ").append(videoSocket.getLocalPort()).append(" RTP/AVPF 96\r\n");
            if (videoBandwidthKbps > 0) {
                sdp.append("b=AS:").append(videoBandwidthKbps).append("\r\n");
            }
            sdp.append("a=rtpmap:96 ").append(videoCodec.encodingName()).append("/90000\r\n");
            if (videoCodec == Codec.H264) {
                sdp.append("a=fmtp:96 profile-level-id=").append(h264ProfileLevelId).append(";packetization-mode=")
                        .append(packetizationMode).append("\r\n");
            }
            sdp.append("a=rtcp-fb:96 nack pli\r\n")
                    .append("a=rtcp-fb:96 ccm fir\r\n")
                    .append("a=sendrecv\r\n");
        }
        return sdp.toString();
    }

    /** Starts sending to, and receiving from, what the answer says. */
    public void start(String answerSdp) throws SdpParseException {
        SessionDescription answer = SessionDescription.parse(answerSdp);
        for (MediaDescription m : answer.media()) {
            String host = answer.connectionFor(m).map(c -> c.address()).orElse("127.0.0.1");
            if (m.port() == 0) {
                continue;
            }
            InetSocketAddress where = new InetSocketAddress(host, m.port());
            if (m.media().equals("audio")) {
                remoteAudio = where;
                audioPayloadType = Integer.parseInt(m.formats().get(0));
                if (audioLevelIndication != AudioLevelIndication.ABSENT
                        && m.attributes().values("extmap").contains(AUDIO_LEVEL_EXTENSION_ID + " " + AudioLevelIndication.URI)) {
                    agreedAudioLevelId = AUDIO_LEVEL_EXTENSION_ID;
                }
            } else if (m.media().equals("video") && videoCodec != null) {
                remoteVideo = where;
                videoPayloadType = Integer.parseInt(m.formats().get(0));
            }
        }
        if (remoteAudio == null) {
            throw new IllegalStateException(name + ": the answer accepted no audio: " + answerSdp);
        }
        audioReceiver = new Thread(this::receiveAudio, name + "-audio-rx");
        audioReceiver.start();
        audioEncoder = AudioEncoder.create(audioCodec);
        long audioSsrc = name.hashCode() & 0xffffffffL;
        long[] audioState = {0, 0}; // sequence, sample index
        sender.scheduleAtFixedRate(() -> sendAudio(audioEncoder, audioSsrc, audioState), 0, 20, TimeUnit.MILLISECONDS);
        if (remoteVideo != null) {
            videoReceiver = new Thread(this::receiveVideo, name + "-video-rx");
            videoReceiver.start();
            videoEncoder = VideoEncoder.create(VideoEncoderConfig.of(videoCodec, SOURCE_WIDTH, SOURCE_HEIGHT)
                    .withFps(25).withBitrateKbps(300).withKeyframeIntervalFrames(25)
                    .withMaxNalBytes(videoCodec == Codec.H264 && packetizationMode == 0
                            ? VideoEncoderConfig.SINGLE_PACKET_NAL_BYTES : 0));
            long videoSsrc = (name.hashCode() * 31L + 7) & 0xffffffffL;
            Packetizer packetizer = videoCodec == Codec.H264
                    ? new H264Packetizer(packetizationMode, videoPayloadType, videoSsrc)
                    : new Vp8Packetizer(videoPayloadType, videoSsrc);
            I420Frame picture = I420Frame.solid(SOURCE_WIDTH, SOURCE_HEIGHT, yuv[0], yuv[1], yuv[2]);
            long[] frameIndex = {0};
            sender.scheduleAtFixedRate(() -> sendVideo(videoEncoder, packetizer, picture, frameIndex), 0, 40,
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Sends {@code frames} copies of one large keyframe back to back from the video socket, as a sender
     * that floods its own stream would: each one costs the server a decode, so the burst outruns
     * its decode queue.
     */
    public void burstVideo(int frames) {
        long ssrc = (name.hashCode() * 31L + 7) & 0xffffffffL;   // its own stream, as start() numbers it
        // A large noisy keyframe: each copy costs the server a long decode, so the queue fills whatever the machine.
        try (VideoEncoder encoder = VideoEncoder.create(VideoEncoderConfig.of(videoCodec, 1280, 720)
                .withFps(25).withBitrateKbps(8000).withKeyframeIntervalFrames(1)
                .withMaxNalBytes(videoCodec == Codec.H264 && packetizationMode == 0 ? VideoEncoderConfig.SINGLE_PACKET_NAL_BYTES : 0))) {
            Packetizer packetizer = videoCodec == Codec.H264
                    ? new H264Packetizer(packetizationMode, videoPayloadType, ssrc)
                    : new Vp8Packetizer(videoPayloadType, ssrc);
            byte[] noise = new byte[I420Frame.sizeOf(1280, 720)];
            new java.util.Random(7).nextBytes(noise);
            I420Frame picture = new I420Frame(1280, 720, noise, 0);
            EncodedFrame keyframe = null;
            for (int i = 0; keyframe == null && i < 10; i++) {
                keyframe = encoder.encode(picture, 0);
            }
            // One keyframe encoded, sent again and again as new frames (sequence and timestamp rewritten).
            java.util.List<byte[]> packets = packetizer.packetize(keyframe);
            int sequence = 20_000;
            for (int i = 0; i < frames; i++) {
                long timestamp = 90_000L * 1000 + i * 3600L;
                for (byte[] original : packets) {
                    byte[] packet = original.clone();
                    packet[2] = (byte) (sequence >> 8);
                    packet[3] = (byte) sequence;
                    sequence = (sequence + 1) & 0xffff;
                    packet[4] = (byte) (timestamp >> 24);
                    packet[5] = (byte) (timestamp >> 16);
                    packet[6] = (byte) (timestamp >> 8);
                    packet[7] = (byte) timestamp;
                    send(videoSocket, remoteVideo, packet);
                    // Paced just enough that the kernel's socket buffer keeps up: the server reads it all.
                    java.util.concurrent.locks.LockSupport.parkNanos(30_000);
                }
            }
        }
    }

    private void sendAudio(AudioEncoder encoder, long ssrc, long[] state) {
        short[] pcm = new short[Audio.FRAME_SAMPLES];
        Tones.sine(pcm, toneHz, TONE_AMPLITUDE, Audio.SAMPLE_RATE, state[1]);
        byte[] payload = encoder.encode(pcm);
        long timestamp = state[1] * audioCodec.rtpClockRate() / Audio.SAMPLE_RATE;
        byte[] packet = RtpPacket.build(audioPayloadType, state[0] == 0, (int) state[0] & 0xffff, timestamp, ssrc, payload);
        send(audioSocket, remoteAudio, agreedAudioLevelId > 0 ? withAudioLevel(packet) : packet);
        state[0]++;
        state[1] += Audio.FRAME_SAMPLES;
    }

    /**
     * The packet with an RFC 8285 one-byte extension block holding the audio level:
     * {@code BE DE 00 01 | ID=1 L=0 | V+level | 00 00 (padding)}, X bit set.
     */
    private byte[] withAudioLevel(byte[] packet) {
        byte[] out = new byte[packet.length + 8];
        System.arraycopy(packet, 0, out, 0, RtpPacket.FIXED_HEADER_SIZE);
        out[0] |= 0x10;
        int at = RtpPacket.FIXED_HEADER_SIZE;
        out[at] = (byte) 0xBE;
        out[at + 1] = (byte) 0xDE;
        out[at + 3] = 1;
        out[at + 4] = (byte) (agreedAudioLevelId << 4);
        out[at + 5] = (byte) audioLevelIndication;
        System.arraycopy(packet, RtpPacket.FIXED_HEADER_SIZE, out, at + 8, packet.length - RtpPacket.FIXED_HEADER_SIZE);
        return out;
    }

    /** Stops sending video (a frozen camera) while the call, its audio and what it receives go on. */
    public void pauseVideo() {
        videoPaused = true;
    }

    private void sendVideo(VideoEncoder encoder, Packetizer packetizer, I420Frame picture, long[] frameIndex) {
        if (videoPaused) {
            return;
        }
        if (videoNoise > 0) {
            java.util.Random random = new java.util.Random(frameIndex[0]);
            byte[] luma = picture.data();
            for (int i = 0; i < SOURCE_WIDTH * SOURCE_HEIGHT; i++) {
                luma[i] = (byte) Math.max(16, Math.min(235, yuv[0] + random.nextInt(2 * videoNoise + 1) - videoNoise));
            }
        }
        EncodedFrame frame = encoder.encode(picture, frameIndex[0] * 3600);
        frameIndex[0]++;
        if (frame != null) {
            for (byte[] packet : packetizer.packetize(frame)) {
                send(videoSocket, remoteVideo, packet);
            }
        }
    }

    private static void send(DatagramSocket socket, InetSocketAddress to, byte[] packet) {
        try {
            socket.send(new DatagramPacket(packet, packet.length, to));
        } catch (IOException e) {
            // The socket closes at the end of a test while the sender may still be running.
        }
    }

    private void receiveAudio() {
        try (AudioDecoder decoder = new AudioDecoder(audioCodec)) {
            byte[] buffer = new byte[2048];
            while (running) {
                DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
                if (!receive(audioSocket, datagram)) {
                    continue;
                }
                RtpPacket rtp = RtpPacket.parse(buffer, 0, datagram.getLength());
                if (rtp == null || rtp.payloadType() != audioPayloadType) {
                    continue; // RTCP or telephone-event
                }
                audioPacketsReceived.incrementAndGet();
                short[] pcm = decoder.decode(rtp.buffer(), rtp.payloadOffset(), rtp.payloadLength());
                record(pcm);
            }
        }
    }

    private synchronized void record(short[] pcm) {
        for (short s : pcm) {
            received[receivedWrite] = s;
            receivedWrite = (receivedWrite + 1) % received.length;
        }
        receivedTotal += pcm.length;
    }

    private void receiveVideo() {
        Depacketizer depacketizer = videoCodec == Codec.H264 ? new H264Depacketizer() : new Vp8Depacketizer();
        long lastPli = 0;
        int lastSequence = 0;
        try (VideoDecoder decoder = new VideoDecoder(videoCodec)) {
            byte[] buffer = new byte[2048];
            while (running) {
                DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
                if (!receive(videoSocket, datagram)) {
                    continue;
                }
                RtpPacket rtp = RtpPacket.parse(Arrays.copyOf(buffer, datagram.getLength()));
                if (rtp == null || rtp.payloadType() != videoPayloadType) {
                    continue;
                }
                if (videoPacketsReceived.getAndIncrement() > 0
                        && rtp.sequenceNumber() != ((lastSequence + 1) & 0xffff)) {
                    videoSequenceJumps.incrementAndGet();
                }
                lastSequence = rtp.sequenceNumber();
                lastVideoSsrc = rtp.ssrc();
                videoSsrcs.add(rtp.ssrc());
                EncodedFrame frame = depacketizer.push(rtp);
                if (frame != null) {
                    I420Frame picture = decoder.decode(frame);
                    if (picture != null) {
                        I420Frame previous = lastPicture;
                        if (previous == null || previous.width() != picture.width()
                                || previous.height() != picture.height()) {
                            pictureSizes.add(picture.width() + "x" + picture.height()
                                    + (frame.keyframe() ? " keyframe" : " delta"));
                        }
                        lastPicture = picture;
                        framesDecoded.incrementAndGet();
                    }
                }
                long now = System.nanoTime();
                if ((depacketizer.keyframeNeeded() || decoder.keyframeNeeded()) && now - lastPli > 300_000_000L) {
                    lastPli = now;
                    keyframeRequestsSent.incrementAndGet();
                    sendPli(rtp.ssrc());
                }
            }
        }
    }

    /** Asks the MCU for a keyframe on its RTCP port (RTP + 1, as the answer has no rtcp-mux). */
    private void sendPli(long mediaSsrc) {
        PictureLossIndication pli = new PictureLossIndication(1234, mediaSsrc);
        byte[] out = new byte[pli.encodedSize()];
        pli.writeTo(out, 0);
        send(videoSocket, new InetSocketAddress(remoteVideo.getAddress(), remoteVideo.getPort() + 1), out);
    }

    /** Tells the MCU, as a browser's congestion control would, how much video this receiver can take. */
    public void sendRemb(long bitsPerSecond) {
        Remb remb = new Remb(1234, bitsPerSecond, List.of(lastVideoSsrc));
        byte[] out = new byte[remb.encodedSize()];
        remb.writeTo(out, 0);
        send(videoSocket, new InetSocketAddress(remoteVideo.getAddress(), remoteVideo.getPort() + 1), out);
    }

    private static boolean receive(DatagramSocket socket, DatagramPacket datagram) {
        try {
            socket.setSoTimeout(200);
            socket.receive(datagram);
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** The last {@code samples} of 48 kHz mono audio this participant heard (zeros before any). */
    public synchronized short[] lastHeard(int samples) {
        short[] out = new short[samples];
        for (int i = 0; i < samples; i++) {
            int index = Math.floorMod(receivedWrite - samples + i, received.length);
            out[i] = received[index];
        }
        return out;
    }

    /** The amplitude of a {@code hz} tone in the last half second this participant heard. */
    public double toneAmplitudeHeard(double hz) {
        return Tones.amplitude(lastHeard(Audio.SAMPLE_RATE / 2), hz, Audio.SAMPLE_RATE);
    }

    /** Whether the last half second carries a {@code hz} tone at over 30 % of a participant's own level. */
    public boolean hearsTone(double hz) {
        return toneAmplitudeHeard(hz) > TONE_AMPLITUDE * 0.3;
    }

    public synchronized long samplesHeard() {
        return receivedTotal;
    }

    /** The newest composite this participant decoded, or null. */
    public I420Frame lastPicture() {
        return lastPicture;
    }

    public long framesDecoded() {
        return framesDecoded.get();
    }

    public long audioPacketsReceived() {
        return audioPacketsReceived.get();
    }

    /** Video packets whose sequence number was not the one after the previous packet's (a gap or a jump). */
    public long videoSequenceJumps() {
        return videoSequenceJumps.get();
    }

    /** PLIs sent because a picture could not be decoded (a gap, or a frame without its reference). */
    public long keyframeRequestsSent() {
        return keyframeRequestsSent.get();
    }

    /** Every SSRC the MCU's video came from. */
    public java.util.Set<Long> videoSsrcs() {
        return java.util.Set.copyOf(videoSsrcs);
    }

    /** Each picture size decoded in turn, as "320x180 keyframe" (the frame that brought the size was one) or "... delta". */
    public List<String> pictureSizes() {
        return List.copyOf(pictureSizes);
    }

    public long videoPacketsReceived() {
        return videoPacketsReceived.get();
    }

    public double toneHz() {
        return toneHz;
    }

    public int[] yuv() {
        return yuv.clone();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sender.shutdown();
        sender.awaitTermination(2, TimeUnit.SECONDS);
        if (audioEncoder != null) {
            audioEncoder.close();
        }
        if (videoEncoder != null) {
            videoEncoder.close();
        }
        if (audioReceiver != null) {
            audioReceiver.join(2000);
        }
        if (videoReceiver != null) {
            videoReceiver.join(2000);
        }
        audioSocket.close();
        if (videoSocket != null) {
            videoSocket.close();
        }
    }
}
