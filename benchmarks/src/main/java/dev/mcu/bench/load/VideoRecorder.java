package dev.mcu.bench.load;

import dev.mcu.media.EncodedFrame;
import dev.mcu.media.h264.H264Depacketizer;
import dev.mcu.media.rtp.RtpPacket;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the H.264 RTP packets one participant receives for a while, to measure the quality of
 * what it got: {@link #arm} (when the measurement starts) asks for a keyframe, the receiver hands
 * every video packet to {@link #onPacket} and copies are kept until {@link #FRAMES} frames (marker
 * bits) have arrived; {@link #writeAnnexB} reassembles them into an H.264 file ffmpeg can decode.
 *
 * <p>Threads: {@link #onPacket} on the pump's receiver thread; {@link #arm} and {@link #writeAnnexB}
 * on the main thread (the packet list is handed over under this object's lock).
 */
final class VideoRecorder {
    /** 10 s at 30 fps: enough frames to average over, a bounded amount of memory (~2 MB at 1.5 Mbit/s). */
    static final int FRAMES = 300;

    private final List<byte[]> packets = new ArrayList<>();
    private final List<Long> arrivals = new ArrayList<>();   // nanoTime each packet arrived
    private volatile boolean armed;
    private volatile boolean keyframeWanted;
    private int frames;

    /**
     * Asks for a keyframe without recording it: the warm-up's rehearsal of {@link #arm}, so that the
     * server has already taken the path a PLI takes (its RTCP read, a forced keyframe) before the
     * measurement starts, as a server that has run for a while has. Without it the JIT recompiled
     * those methods inside the measuring window.
     */
    void requestKeyframe() {
        keyframeWanted = true;
    }

    /** Starts recording with the next packet; the receiver sends a PLI first so that a keyframe comes soon. */
    void arm() {
        keyframeWanted = true;
        armed = true;
    }

    /** True once: the receiver should now send a PLI for the stream it gets. */
    boolean takeKeyframeRequest() {
        if (keyframeWanted) {
            keyframeWanted = false;
            return true;
        }
        return false;
    }

    synchronized void onPacket(byte[] buffer, int length, boolean marker, long arrivedNanos) {
        if (!armed || frames >= FRAMES) {
            return;
        }
        packets.add(java.util.Arrays.copyOf(buffer, length));
        arrivals.add(arrivedNanos);
        if (marker) {
            frames++;
        }
    }

    synchronized int frames() {
        return frames;
    }

    /** Writes the recorded frames as Annex B; returns how many frames it wrote. */
    synchronized int writeAnnexB(Path file) throws IOException {
        H264Depacketizer depacketizer = new H264Depacketizer();
        int written = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            for (byte[] packet : packets) {
                EncodedFrame frame = depacketizer.push(RtpPacket.parse(packet));
                if (frame != null) {
                    out.write(frame.data());
                    written++;
                }
            }
        }
        return written;
    }

    /** The recorded frames, reassembled, each with the time its last packet arrived. */
    synchronized List<TimedFrame> frames(H264Depacketizer depacketizer) {
        List<TimedFrame> out = new ArrayList<>();
        for (int i = 0; i < packets.size(); i++) {
            EncodedFrame frame = depacketizer.push(RtpPacket.parse(packets.get(i)));
            if (frame != null) {
                out.add(new TimedFrame(frame, arrivals.get(i)));
            }
        }
        return out;
    }

    record TimedFrame(EncodedFrame frame, long arrivedNanos) {
    }

    /** A compound RTCP packet: an empty receiver report (RFC 3550 wants one first), then a PLI (RFC 4585). */
    static byte[] pli(long senderSsrc, long mediaSsrc) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(20);
        b.put((byte) 0x80).put((byte) 201).putShort((short) 1).putInt((int) senderSsrc);
        b.put((byte) 0x81).put((byte) 206).putShort((short) 2).putInt((int) senderSsrc).putInt((int) mediaSsrc);
        return b.array();
    }
}
