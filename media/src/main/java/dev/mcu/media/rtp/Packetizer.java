package dev.mcu.media.rtp;

import dev.mcu.media.EncodedFrame;

import java.util.List;

/**
 * Turns one encoded frame into complete RTP packets (12-byte header included), in send order.
 * All packets of a frame carry {@code frame.rtpTimestamp()}; the last one has the marker bit.
 * Each packetizer keeps its own running sequence number, so one instance per outgoing stream
 * (in the MCU: one per output profile, shared by every receiver of that profile).
 *
 * <p>Threads: not thread-safe; called by the thread that encodes the stream.
 */
public interface Packetizer {
    /** Default largest packet, RTP header included: fits any path MTU after IP/UDP/SRTP overhead. */
    int DEFAULT_MAX_PACKET_SIZE = 1200;

    /** The packets of {@code frame}; empty when nothing could be sent. */
    List<byte[]> packetize(EncodedFrame frame);
}
