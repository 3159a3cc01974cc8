package dev.mcu.decoder;

import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.javacpp.BytePointer;

import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;

/**
 * One reusable AVPacket over a growable native buffer with FFmpeg's zeroed tail padding, so feeding
 * a decoder costs a memcpy and no allocation. Confined to the owning decoder's thread.
 */
final class NativePacket implements AutoCloseable {
    private static final byte[] ZEROS = new byte[AV_INPUT_BUFFER_PADDING_SIZE];

    private final AVPacket packet;  // owned: freed in close()
    private BytePointer buffer;     // owned: replaced when too small, freed in close()

    NativePacket() {
        packet = av_packet_alloc();
        buffer = new BytePointer(4096 + ZEROS.length);
    }

    /** The packet pointing at a copy of {@code data[offset, offset+length)}; valid until the next call. */
    AVPacket wrap(byte[] data, int offset, int length, long pts) {
        if (buffer.capacity() < length + ZEROS.length) {
            buffer.close();
            buffer = new BytePointer(Math.max(length + ZEROS.length, buffer.capacity() * 2));
        }
        buffer.position(0).put(data, offset, length);
        buffer.position(length).put(ZEROS, 0, ZEROS.length);
        buffer.position(0);
        packet.data(buffer).size(length).pts(pts).dts(pts);
        return packet;
    }

    @Override
    public void close() {
        packet.data(null).size(0);
        av_packet_free(packet);
        buffer.close();
    }
}
