package dev.mcu.media.rtcp;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * RTPFB generic NACK, PT=205 FMT=1 (RFC 4585 §6.2.1): asks the media sender to retransmit packets.
 * Each FCI entry names a packet ID and a bitmask of the 16 packets after it.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  FMT=1  |   PT=205      |          length               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of packet sender                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  SSRC of media source                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            PID                |             BLP               |  x N
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * BLP bit i (least significant first) set means packet PID+i+1 (mod 2^16) is lost too.
 *
 * @param lostSequenceNumbers in the order they were first named, each once; {@link #writeTo} packs runs that fit
 *                            in PID+16 into one entry, following sequence-number wrap
 */
public record GenericNack(long senderSsrc, long mediaSsrc, List<Integer> lostSequenceNumbers) implements RtcpPacket {
    private static final int ENTRY_SIZE = 4;
    private static final int BLP_BITS = 16;

    public GenericNack {
        lostSequenceNumbers = List.copyOf(lostSequenceNumbers);
    }

    /** Parses one generic NACK at {@code b[at]}; {@code null} when broken. */
    public static GenericNack parse(byte[] b, int at, int length) {
        if (!FeedbackHeader.isValid(b, at, length, RtcpHeader.PT_RTPFB, FeedbackHeader.FMT_NACK)) {
            return null;
        }
        int end = at + RtcpHeader.packetSize(b, at);
        List<Integer> named = new ArrayList<>();
        for (int p = at + FeedbackHeader.SIZE; p + ENTRY_SIZE <= end; p += ENTRY_SIZE) {
            expand(RtcpHeader.uint16(b, p), RtcpHeader.uint16(b, p + 2), named);
        }
        // A packet named twice is asked for once: repeated entries must not multiply retransmissions.
        List<Integer> lost = new ArrayList<>(new LinkedHashSet<>(named));
        return new GenericNack(FeedbackHeader.senderSsrc(b, at), FeedbackHeader.mediaSsrc(b, at), lost);
    }

    /** Appends PID and every sequence number BLP names to {@code out}. */
    static void expand(int pid, int blp, List<Integer> out) {
        out.add(pid);
        for (int bit = 0; bit < BLP_BITS; bit++) {
            if ((blp & (1 << bit)) != 0) {
                out.add((pid + bit + 1) & 0xffff);
            }
        }
    }

    /** The FCI entries as {@code (PID << 16) | BLP}. */
    int[] entries() {
        int[] entries = new int[lostSequenceNumbers.size()];
        int n = 0;
        int pid = -1;
        int blp = 0;
        for (int seq : lostSequenceNumbers) {
            int distance = pid < 0 ? -1 : ((seq & 0xffff) - pid) & 0xffff;
            if (distance == 0) {
                continue;
            }
            if (distance >= 1 && distance <= BLP_BITS) {
                blp |= 1 << (distance - 1);
                continue;
            }
            if (pid >= 0) {
                entries[n++] = (pid << 16) | blp;
            }
            pid = seq & 0xffff;
            blp = 0;
        }
        if (pid >= 0) {
            entries[n++] = (pid << 16) | blp;
        }
        return java.util.Arrays.copyOf(entries, n);
    }

    @Override
    public int encodedSize() {
        return FeedbackHeader.SIZE + ENTRY_SIZE * entries().length;
    }

    @Override
    public int writeTo(byte[] out, int at) {
        int[] entries = entries();
        int size = FeedbackHeader.SIZE + ENTRY_SIZE * entries.length;
        FeedbackHeader.write(out, at, RtcpHeader.PT_RTPFB, FeedbackHeader.FMT_NACK, size, senderSsrc, mediaSsrc);
        int p = at + FeedbackHeader.SIZE;
        for (int entry : entries) {
            RtcpHeader.putUint32(out, p, entry & 0xffffffffL);
            p += ENTRY_SIZE;
        }
        return size;
    }
}
