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
import dev.mcu.transport.BatchedWrites;
import dev.mcu.transport.MediaTransport;
import dev.mcu.transport.TransportStats;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One layer of one output profile of a room: the composite (scaled down once for a smaller layer)
 * encoded once and packetized once, and the same packets handed to every receiver of the layer
 * (whose transport rewrites payload type, SSRC and sequence number in its own copy). Its bit rate
 * follows only its own receivers: their loss, and on the lowest layer (or a one-layer ladder, as
 * before the ladder) their REMB estimates too.
 *
 * <p>Threads: {@link #encodeAndSend} on an encode-pool thread, never two at once (the room's video
 * lane has one frame in flight); made, given a program sink and closed on the video lane, close only
 * when no encode runs; {@link #lastPackets} read by whoever finishes the frame (after the encode, by
 * the pipeline's countdown); {@link #requestKeyframe} from any thread. Keyframes are rate-limited so
 * a burst of joins or PLIs costs one IDR.
 */
final class VideoProfile implements AutoCloseable {
    static final long MIN_KEYFRAME_SPACING_NANOS = 250_000_000L;

    private final VideoProfileKey key;
    private final VideoLayerSpec layer;
    private final LayerScaler scaler;            // null for the canvas-sized layer
    private final VideoEncoder encoder;          // owned: closed in close()
    private final Packetizer packetizer;
    private final AtomicBoolean keyframeWanted = new AtomicBoolean(true);
    private long lastForcedKeyframeNanos = Long.MIN_VALUE / 2;
    private final ProfileBitrate bitrate;
    private final boolean followsEstimates;
    private final int framesPerBitrateCheck;
    private long[] estimates = new long[8];
    private int[] losses = new int[8];
    private volatile long framesSent;   // written by the encode, read by stats on the video lane
    private volatile long packetsSent;
    private volatile long bytesEncoded;
    private List<byte[]> lastPackets = List.of();   // the encode's last frame, for receivers switching to or from it
    private boolean lastKeyframe;
    private volatile ProgramSink programSink;   // borrowed; set on the video lane, read by the encode

    /**
     * @param followsEstimates whether the rate follows the receivers' REMB (the lowest layer, or the
     *                         only one); the rate of any layer still follows their loss
     */
    VideoProfile(VideoProfileKey key, VideoSettings video, VideoLayerSpec layer, boolean followsEstimates) {
        this.key = key;
        this.layer = layer;
        this.followsEstimates = followsEstimates;
        this.scaler = layer.width() == video.width() && layer.height() == video.height() ? null
                : new LayerScaler(layer.width(), layer.height());
        VideoEncoderConfig config = VideoEncoderConfig.of(key.codec(), layer.width(), layer.height())
                .withFps(video.fps())
                .withBitrateKbps(layer.kbps())
                .withKeyframeIntervalFrames(Math.max(1, video.keyframeIntervalSeconds() * video.fps()));
        if (key.codec() == Codec.H264 && key.packetizationMode() == 0) {
            config = config.withMaxNalBytes(VideoEncoderConfig.SINGLE_PACKET_NAL_BYTES);
        }
        this.encoder = VideoEncoder.create(config);
        this.bitrate = new ProfileBitrate(layer.kbps(), Math.min(video.minBitrateKbps(), layer.kbps()));
        this.framesPerBitrateCheck = video.fps();
        long ssrc = ThreadLocalRandom.current().nextInt() & 0xffffffffL;
        this.packetizer = key.codec() == Codec.H264
                ? new H264Packetizer(key.packetizationMode(), 96, ssrc)
                : new Vp8Packetizer(96, ssrc);
    }

    VideoProfileKey key() {
        return key;
    }

    VideoLayerSpec layer() {
        return layer;
    }

    void requestKeyframe() {
        keyframeWanted.set(true);
    }

    /**
     * Encodes the canvas at this layer's size and sends the packets to {@code receivers} (the ones
     * settled on this layer; the frame is kept in {@link #lastPackets} for those switching).
     *
     * @return whether a keyframe went out
     */
    boolean encodeAndSend(I420Frame canvas, long rtpTimestamp, long nowNanos, List<MediaTransport> receivers) {
        lastPackets = List.of();
        lastKeyframe = false;
        if (framesSent % framesPerBitrateCheck == 0) {
            adaptBitrate(receivers);
        }
        if (keyframeWanted.get() && nowNanos - lastForcedKeyframeNanos >= MIN_KEYFRAME_SPACING_NANOS) {
            keyframeWanted.set(false);
            lastForcedKeyframeNanos = nowNanos;
            encoder.requestKeyframe();
        }
        I420Frame picture = scaler == null ? canvas : scaler.scale(canvas);
        EncodedFrame frame = encoder.encode(picture, rtpTimestamp);
        if (frame == null) {
            return false;
        }
        List<byte[]> packets = packetizer.packetize(frame);
        // The frame to every receiver, then each media loop woken once for it.
        try (BatchedWrites.Round round = BatchedWrites.round()) {
            for (int r = 0, n = receivers.size(); r < n; r++) {
                MediaTransport receiver = receivers.get(r);
                for (int i = 0, m = packets.size(); i < m; i++) {
                    receiver.sendRtp(MediaKind.VIDEO, packets.get(i));
                }
            }
        }
        lastPackets = packets;
        lastKeyframe = frame.keyframe();
        framesSent++;
        packetsSent += packets.size();
        long bytes = 0;
        for (int i = 0, m = packets.size(); i < m; i++) {
            bytes += packets.get(i).length;
        }
        bytesEncoded += bytes;
        ProgramSink sink = programSink;
        if (sink != null) {
            sink.onProgramVideo(frame); // the same access unit, muxed by egress: no second encode
        }
        return frame.keyframe();
    }

    /** The packets of the last frame encoded (empty when it made none). */
    List<byte[]> lastPackets() {
        return lastPackets;
    }

    /** Whether the last frame encoded was a keyframe: where a switching receiver may join this layer. */
    boolean lastWasKeyframe() {
        return lastKeyframe;
    }

    /** Also hands every encoded frame to {@code sink} (null stops it). Video lane. */
    void setProgramSink(ProgramSink sink) {
        programSink = sink;
        if (sink != null) {
            requestKeyframe(); // an output starts at a keyframe
        }
    }

    /** Once a second: follow this layer's receivers' REMB and loss reports (a change is applied with a keyframe). */
    private void adaptBitrate(List<MediaTransport> receivers) {
        int count = 0;
        for (MediaTransport receiver : receivers) {
            if (count == estimates.length) {
                estimates = java.util.Arrays.copyOf(estimates, count * 2);
                losses = java.util.Arrays.copyOf(losses, count * 2);
            }
            TransportStats stats = receiver.stats(MediaKind.VIDEO);
            estimates[count] = followsEstimates ? stats.remoteBitrateEstimateBps() : 0;
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

    /** RTP bytes this layer has produced so far. */
    long bytesEncoded() {
        return bytesEncoded;
    }

    @Override
    public void close() {
        encoder.close();
    }
}
