package dev.mcu.media.rtcp;

/**
 * One RTCP packet of a compound packet (RFC 3550 §6). Immutable values; {@link RtcpCompound}
 * parses and writes whole datagrams.
 */
public sealed interface RtcpPacket
        permits SenderReport, ReceiverReport, SourceDescription, Bye, GenericNack, PictureLossIndication,
                FullIntraRequest, Remb {

    /** Bytes {@link #writeTo} writes, header included (always a multiple of 4). */
    int encodedSize();

    /** Writes the packet at {@code out[at]}; returns {@link #encodedSize()}. */
    int writeTo(byte[] out, int at);
}
