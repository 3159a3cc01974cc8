package dev.mcu.media.rtp;

import dev.mcu.media.Codec;
import dev.mcu.media.EncodedFrame;
import dev.mcu.media.h264.AnnexB;
import dev.mcu.media.h264.H264Depacketizer;
import dev.mcu.media.h264.H264Packetizer;
import dev.mcu.media.vp8.Vp8Depacketizer;
import dev.mcu.media.vp8.Vp8Packetizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Packetize → reorder/duplicate on the "network" → jitter buffer → depacketize. */
class ReceivePipelineTest {
    enum Format {
        H264(() -> new H264Packetizer(1, 96, 7, 1200, true, 65_400), H264Depacketizer::new),
        VP8(() -> new Vp8Packetizer(97, 7, 1200, 65_400, 0), Vp8Depacketizer::new);

        final Supplier<Packetizer> packetizer;
        final Supplier<Depacketizer> depacketizer;

        Format(Supplier<Packetizer> packetizer, Supplier<Depacketizer> depacketizer) {
            this.packetizer = packetizer;
            this.depacketizer = depacketizer;
        }
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void reorderedAndDuplicatedPacketsStillYieldTheOriginalFrames(Format format) {
        Random random = new Random(format.ordinal() + 11);
        List<EncodedFrame> sent = frames(format, 40, random);
        List<byte[]> wire = new ArrayList<>();
        Packetizer packetizer = format.packetizer.get();
        for (EncodedFrame f : sent) {
            wire.addAll(packetizer.packetize(f));
        }
        List<byte[]> arrivals = new ArrayList<>(wire);
        for (int start = 1; start < arrivals.size(); start += 6) {
            Collections.shuffle(arrivals.subList(start, Math.min(start + 6, arrivals.size())), random);
        }
        for (int i = 0; i < 20; i++) { // duplicates a few packets later
            int from = random.nextInt(arrivals.size() - 10);
            arrivals.add(from + 1 + random.nextInt(5), arrivals.get(from));
        }

        JitterBuffer buffer = JitterBuffer.forVideo();
        Depacketizer depacketizer = format.depacketizer.get();
        List<EncodedFrame> received = run(arrivals, buffer, depacketizer);

        assertEquals(sent.size(), received.size());
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i).data(), received.get(i).data(), "frame " + i);
            assertEquals(sent.get(i).keyframe(), received.get(i).keyframe());
            assertEquals(sent.get(i).rtpTimestamp(), received.get(i).rtpTimestamp());
        }
        assertEquals(0, buffer.lost());
        assertEquals(20, buffer.duplicates() + buffer.late());
        assertFalse(depacketizer.keyframeNeeded());
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void aPacketLostOnTheNetworkCostsFramesUntilTheNextKeyframe(Format format) {
        Random random = new Random(format.ordinal() + 21);
        List<EncodedFrame> sent = frames(format, 20, random); // keyframes at 0 and 10
        Packetizer packetizer = format.packetizer.get();
        List<byte[]> wire = new ArrayList<>();
        int lostPacketFrame = 4;
        for (int i = 0; i < sent.size(); i++) {
            List<byte[]> packets = packetizer.packetize(sent.get(i));
            if (i == lostPacketFrame) {
                packets = new ArrayList<>(packets);
                packets.remove(packets.size() / 2);
            }
            wire.addAll(packets);
        }
        JitterBuffer buffer = new JitterBuffer(256, 5, 1_000);
        Depacketizer depacketizer = format.depacketizer.get();
        List<EncodedFrame> received = run(wire, buffer, depacketizer);

        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            if (i < lostPacketFrame || i >= 10) {
                expected.add(sent.get(i).rtpTimestamp());
            }
        }
        assertEquals(expected, received.stream().map(EncodedFrame::rtpTimestamp).toList());
        assertEquals(1, buffer.lost());
        assertTrue(buffer.lossSinceLastCheck());
    }

    private static List<EncodedFrame> run(List<byte[]> arrivals, JitterBuffer buffer, Depacketizer depacketizer) {
        List<EncodedFrame> received = new ArrayList<>();
        long now = 0;
        for (byte[] bytes : arrivals) {
            now++;
            buffer.insert(RtpPacket.parse(bytes), now);
            for (RtpPacket p = buffer.poll(now); p != null; p = buffer.poll(now)) {
                EncodedFrame f = depacketizer.push(p);
                if (f != null) {
                    received.add(f);
                }
            }
        }
        return received;
    }

    /** Keyframe every 10th frame; sizes from one packet to many. */
    private static List<EncodedFrame> frames(Format format, int count, Random random) {
        List<EncodedFrame> frames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            boolean key = i % 10 == 0;
            int size = 20 + random.nextInt(key ? 20_000 : 4_000);
            frames.add(format == Format.H264 ? h264(i * 3000L, key, size, random) : vp8(i * 3000L, key, size, random));
        }
        return frames;
    }

    private static EncodedFrame h264(long timestamp, boolean key, int size, Random random) {
        byte[] slice = new byte[size];
        for (int i = 1; i < size; i++) {
            slice[i] = (byte) (1 + random.nextInt(255));
        }
        slice[0] = (byte) (key ? 0x65 : 0x41);
        slice[1] |= (byte) 0x80; // first_mb_in_slice = 0
        List<byte[]> nals = key
                ? List.of(new byte[]{0x67, 0x42, 0x1f}, new byte[]{0x68, (byte) 0xce}, slice)
                : List.of(slice);
        return new EncodedFrame(Codec.H264, AnnexB.join(nals), timestamp, key);
    }

    private static EncodedFrame vp8(long timestamp, boolean key, int size, Random random) {
        byte[] data = new byte[size];
        random.nextBytes(data);
        data[0] = (byte) (0x10 | (key ? 0 : 1)); // first partition size 0, show_frame, P
        data[1] = 0;
        data[2] = 0;
        if (key) {
            data[3] = (byte) 0x9d;
            data[4] = 0x01;
            data[5] = 0x2a;
        }
        return new EncodedFrame(Codec.VP8, data, timestamp, key);
    }
}
