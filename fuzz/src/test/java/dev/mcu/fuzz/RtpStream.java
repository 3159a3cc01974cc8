package dev.mcu.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.mcu.media.rtp.RtpPacket;

/**
 * Turns fuzz input into a run of RTP packets of one stream: mostly consecutive sequence numbers
 * (with the odd gap, repeat or step back), timestamps that advance now and then, fuzzed payloads
 * and marker bits, as a depacketizer sees them after the jitter buffer.
 */
final class RtpStream {
    private final FuzzedDataProvider data;
    private final int payloadType;
    private int sequence;
    private long timestamp;

    RtpStream(FuzzedDataProvider data, int payloadType) {
        this.data = data;
        this.payloadType = payloadType;
        this.sequence = data.consumeInt(0, 0xffff);
        this.timestamp = data.consumeLong(0, 0xffffffffL);
    }

    boolean hasMore() {
        return data.remainingBytes() > 2;
    }

    RtpPacket next() {
        int step = data.consumeInt(-2, 3);
        sequence = (sequence + (step == 0 || step == 3 ? 1 : step)) & 0xffff;
        if (data.consumeBoolean()) {
            timestamp = (timestamp + data.consumeInt(0, 9000)) & 0xffffffffL;
        }
        boolean marker = data.consumeBoolean();
        byte[] payload = data.consumeBytes(data.consumeInt(0, 1400));
        return RtpPacket.parse(RtpPacket.build(payloadType, marker, sequence, timestamp, 0x1234_5678L, payload));
    }
}
