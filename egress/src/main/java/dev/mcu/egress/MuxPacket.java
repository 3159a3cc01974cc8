package dev.mcu.egress;

/**
 * One compressed unit on its way to the muxers: an H.264 access unit (Annex B) or an AAC frame,
 * stamped in microseconds on the hub's clock, which both streams share. Shared by every egress of
 * a room and never modified.
 */
record MuxPacket(boolean video, byte[] data, long timeMicros, boolean keyframe) {
}
