package dev.mcu.conference;

import dev.mcu.encoder.VideoEncoder;
import dev.mcu.encoder.VideoEncoderConfig;
import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;
import dev.mcu.media.I420Frame;
import dev.mcu.media.MediaKind;
import dev.mcu.media.h264.H264Packetizer;
import dev.mcu.media.rtp.Packetizer;
import dev.mcu.media.vp8.Vp8Packetizer;
import dev.mcu.transport.MediaTransport;
import dev.mcu.transport.TransportStats;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One output profile of a room: the composite encoded once and packetized once, and the same
 * packets handed to every receiver's transport (which only rewrites the payload type).
 *
 * <p>Threads: {@link #encodeAndSend} on an encode-pool thread, never two at once (the room's video
 * lane has one frame in flight); receivers are added and removed, and {@link #close} called, on the
 * video lane, close only when no encode runs; {@link #requestKeyframe} from any thread. Keyframes are rate-limited so a burst of joins or PLIs costs one IDR.
 */
final class VideoProfile implements AutoCloseable {
    static final long MIN_KEYFRAME_SPACING_NANOS = 250_000_000L;

    private final VideoProfileKey key;
    private final VideoEncoder encoder;          // owned: closed in close()
    private final Packetizer packetizer;
    private final Set<MediaTransport> receivers = new CopyOnWriteArraySet<>();
    private final AtomicBoolean keyframeWanted = new AtomicBoolean(true);
    private long lastForcedKeyframeNanos = Long.MIN_VALUE / 2;
    private final ProfileBitrate bitrate;
    private final int framesPerBitrateCheck;
    private long[] estimates = new long[8];
    private int[] losses = new int[8];
    private volatile long framesSent;   // written by the encode, read by stats on the video lane
    private volatile long packetsSent;
    private volatile ProgramSink programSink;   // borrowed; set on the video lane, read by the encode

    VideoProfile(VideoProfileKey key, VideoSettings video) {
        this.key = key;
        VideoEncoderConfig config = VideoEncoderConfig.of(key.codec(), video.width(), video.height())
                .withFps(video.fps())
                .withBitrateKbps(video.bitrateKbps())
                .withKeyframeIntervalFrames(Math.max(1, video.keyframeIntervalSeconds() * video.fps()));
        if (key.codec() == Codec.H264 && key.packetizationMode() == 0) {
            config = config.withMaxNalBytes(VideoEncoderConfig.SINGLE_PACKET_NAL_BYTES);
        }
        this.encoder = VideoEncoder.create(config);
        this.bitrate = new ProfileBitrate(video.bitrateKbps(), video.minBitrateKbps());
        this.framesPerBitrateCheck = video.fps();
        long ssrc = ThreadLocalRandom.current().nextInt() & 0xffffffffL;
        this.packetizer = key.codec() == Codec.H264
                ? new H264Packetizer(key.packetizationMode(), 96, ssrc)
                : new Vp8Packetizer(96, ssrc);
    }

    VideoProfileKey key() {
        return key;
    }

    void addReceiver(MediaTransport transport) {
        receivers.add(transport);
        requestKeyframe();
    }

    void removeReceiver(MediaTransport transport) {
        receivers.remove(transport);
    }

    boolean hasReceivers() {
        return !receivers.isEmpty();
    }

    void requestKeyframe() {
        keyframeWanted.set(true);
    }

    /** @return whether a keyframe went out */
    boolean encodeAndSend(I420Frame canvas, long rtpTimestamp, long nowNanos) {
        if (framesSent % framesPerBitrateCheck == 0) {
            adaptBitrate();
        }
        if (keyframeWanted.get() && nowNanos - lastForcedKeyframeNanos >= MIN_KEYFRAME_SPACING_NANOS) {
            keyframeWanted.set(false);
            lastForcedKeyframeNanos = nowNanos;
            encoder.requestKeyframe();
        }
        EncodedFrame frame = encoder.encode(canvas, rtpTimestamp);
        if (frame == null) {
            return false;
        }
        List<byte[]> packets = packetizer.packetize(frame);
        for (MediaTransport receiver : receivers) {
            for (byte[] packet : packets) {
                receiver.sendRtp(MediaKind.VIDEO, packet);
            }
        }
        framesSent++;
        packetsSent += packets.size();
        ProgramSink sink = programSink;
        if (sink != null) {
            sink.onProgramVideo(frame); // the same access unit, muxed by egress: no second encode
        }
        return frame.keyframe();
    }

    /** Also hands every encoded frame to {@code sink} (null stops it). Video lane. */
    void setProgramSink(ProgramSink sink) {
        programSink = sink;
        if (sink != null) {
            requestKeyframe(); // an output starts at a keyframe
        }
    }

    /** Once a second: follow the receivers' REMB and loss reports (a change is applied with a keyframe). */
    private void adaptBitrate() {
        int count = 0;
        for (MediaTransport receiver : receivers) {
            if (count == estimates.length) {
                estimates = java.util.Arrays.copyOf(estimates, count * 2);
                losses = java.util.Arrays.copyOf(losses, count * 2);
            }
            TransportStats stats = receiver.stats(MediaKind.VIDEO);
            estimates[count] = stats.remoteBitrateEstimateBps();
            losses[count++] = stats.remoteFractionLost();
        }
        int kbps = bitrate.update(estimates, losses, count);
        if (kbps > 0) {
            encoder.setBitrateKbps(kbps);
            requestKeyframe();
        }
    }

    int bitrateKbps() {
        return bitrate.currentKbps();
    }

    long framesSent() {
        return framesSent;
    }

    long packetsSent() {
        return packetsSent;
    }

    @Override
    public void close() {
        receivers.clear();
        encoder.close();
    }
}
