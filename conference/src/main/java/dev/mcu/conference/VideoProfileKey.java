package dev.mcu.conference;

import dev.mcu.media.Codec;
import dev.mcu.media.NegotiatedStream;

/**
 * What makes two receivers share one encoded stream: the codec, and for H.264 the packetization
 * mode (mode 0 needs every NAL to fit one packet). The canvas size is the room's.
 */
record VideoProfileKey(Codec codec, int packetizationMode) {
    static VideoProfileKey of(NegotiatedStream stream) {
        return new VideoProfileKey(stream.codec(), stream.codec() == Codec.H264 ? stream.h264PacketizationMode() : 0);
    }

    @Override
    public String toString() {
        return codec == Codec.H264 ? "H264/mode" + packetizationMode : codec.name();
    }
}
