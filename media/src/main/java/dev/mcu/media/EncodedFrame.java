package dev.mcu.media;

/**
 * One compressed video access unit as the codecs exchange it: for H.264 an Annex B byte stream
 * (NAL units each behind a 00 00 00 01 start code, SPS/PPS in front of every IDR); for VP8 one raw
 * VP8 frame. {@code rtpTimestamp} is in the 90 kHz RTP clock.
 */
public record EncodedFrame(Codec codec, byte[] data, long rtpTimestamp, boolean keyframe) {
}
