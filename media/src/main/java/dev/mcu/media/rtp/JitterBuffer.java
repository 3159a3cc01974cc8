package dev.mcu.media.rtp;

import java.util.Arrays;

/**
 * Per-stream receive buffer: puts RTP packets back in sequence order, drops duplicates and
 * packets that come too late, and declares a gap lost once waiting longer is pointless. It adds
 * no playout delay: a packet leaves as soon as everything before it has left or been given up.
 *
 * <p>A missing packet is given up (counted in {@link #lost()}) when either
 * <ul>
 *   <li>a packet more than {@code reorderWindow} sequence numbers after it has arrived, or</li>
 *   <li>the first packet waiting behind it arrived {@code maxDelayMillis} or more before the
 *       {@code nowMillis} passed to {@link #poll}: the missing one was sent even earlier.</li>
 * </ul>
 * Time comes only from the caller ({@code nowMillis}); there is no clock inside.
 *
 * <p>Storage is a ring of {@code capacity} slots indexed by extended sequence number. A packet
 * that does not fit in the ring drops the oldest held packets ({@link #overflowDropped()}) and
 * gives up the missing ones it skips. A jump of more than {@value #MAX_DROPOUT} ahead or
 * {@value #MAX_MISORDER} behind is treated as RFC 3550 §A.1 does: ignored, unless the next
 * packet continues from it, in which case the sender restarted and the buffer resynchronises.
 *
 * <p>Threads: NOT thread-safe. Owned by the one worker thread that receives this stream; insert
 * and poll from that thread only. Packets are borrowed: callers insert detached copies, and a
 * packet belongs to whoever polled it.
 */
public final class JitterBuffer {
    /** Forward jump (in packets) beyond which a packet is suspected to come from a restarted sender. */
    public static final int MAX_DROPOUT = 3000;
    /** Backward jump beyond which a packet is suspected to come from a restarted sender. */
    public static final int MAX_MISORDER = 100;

    public static final int VIDEO_CAPACITY = 1024;
    public static final int VIDEO_REORDER_WINDOW = 50;
    public static final long VIDEO_MAX_DELAY_MILLIS = 100;
    public static final int AUDIO_CAPACITY = 64;
    /**
     * Audio gives a missing packet up as soon as the second one after it is in (or it waited
     * 40 ms): the receiver's playout buffer holds 40 ms, so waiting longer empties it and the
     * speaker falls silent, while the packet given up is made up by concealment. With 5 and 60 ms
     * each lost packet cost a 40-130 ms dropout (measured in NetworkFaultTest).
     */
    public static final int AUDIO_REORDER_WINDOW = 1;
    public static final long AUDIO_MAX_DELAY_MILLIS = 40;

    private final RtpPacket[] slots;
    private final long[] arrivalMillis;
    private final int mask;
    private final int reorderWindow;
    private final long maxDelayMillis;
    private final SequenceNumbers.Unwrapper unwrapper = new SequenceNumbers.Unwrapper();

    /** Extended sequence number of the next packet to release. */
    private long head;
    private long highest;
    private int size;
    private boolean started;
    private boolean lossSinceLastCheck;

    /** A packet far away from the stream, kept in case the next one confirms a sender restart. */
    private RtpPacket jumpCandidate;
    private long jumpCandidateArrival;

    private long received;
    private long released;
    private long duplicates;
    private long late;
    private long lost;
    private long overflowDropped;
    private long resyncs;

    /**
     * @param capacity       packets held at most (rounded up to a power of two), larger than the window
     * @param reorderWindow  how many sequence numbers may pass a missing packet before it is lost
     * @param maxDelayMillis how long packets may wait behind a missing one before it is lost
     */
    public JitterBuffer(int capacity, int reorderWindow, long maxDelayMillis) {
        if (reorderWindow < 0 || capacity <= reorderWindow || capacity > (1 << 15)) {
            throw new IllegalArgumentException("need 0 <= reorderWindow < capacity <= 32768, got "
                    + reorderWindow + " / " + capacity);
        }
        if (maxDelayMillis < 0) {
            throw new IllegalArgumentException("maxDelayMillis < 0: " + maxDelayMillis);
        }
        int ring = Integer.highestOneBit(capacity);
        if (ring < capacity) {
            ring <<= 1;
        }
        this.slots = new RtpPacket[ring];
        this.arrivalMillis = new long[ring];
        this.mask = ring - 1;
        this.reorderWindow = reorderWindow;
        this.maxDelayMillis = maxDelayMillis;
    }

    public static JitterBuffer forVideo() {
        return new JitterBuffer(VIDEO_CAPACITY, VIDEO_REORDER_WINDOW, VIDEO_MAX_DELAY_MILLIS);
    }

    public static JitterBuffer forAudio() {
        return new JitterBuffer(AUDIO_CAPACITY, AUDIO_REORDER_WINDOW, AUDIO_MAX_DELAY_MILLIS);
    }

    /** Takes {@code packet} (a detached copy) into the buffer, or drops and counts it. */
    public void insert(RtpPacket packet, long nowMillis) {
        received++;
        int seq = packet.sequenceNumber();
        if (!started) {
            start(packet, nowMillis);
            return;
        }
        long extended = unwrapper.peek(seq);
        long distance = extended - highest;
        if (distance > MAX_DROPOUT || distance < -MAX_MISORDER) {
            onJump(packet, seq, nowMillis);
            return;
        }
        if (jumpCandidate != null) {
            late++; // the suspected restart did not continue: it was a stray packet
            jumpCandidate = null;
        }
        unwrapper.unwrap(seq);
        place(packet, extended, nowMillis);
    }

    private void place(RtpPacket packet, long extended, long nowMillis) {
        if (extended < head) {
            late++;
            return;
        }
        if (extended - head >= slots.length) {
            dropOldestUntil(extended - slots.length + 1);
        }
        int index = (int) (extended & mask);
        if (slots[index] != null) {
            duplicates++; // everything in the ring lies in [head, head + length): same slot, same number
            return;
        }
        slots[index] = packet;
        arrivalMillis[index] = nowMillis;
        size++;
        if (extended > highest) {
            highest = extended;
        }
    }

    private void start(RtpPacket packet, long nowMillis) {
        started = true;
        long extended = unwrapper.unwrap(packet.sequenceNumber());
        head = extended;
        highest = extended;
        place(packet, extended, nowMillis);
    }

    private void onJump(RtpPacket packet, int seq, long nowMillis) {
        RtpPacket candidate = jumpCandidate;
        if (candidate != null && seq == SequenceNumbers.next(candidate.sequenceNumber())) {
            resyncs++;
            clear();
            lossSinceLastCheck = true;
            unwrapper.reset();
            start(candidate, jumpCandidateArrival);
            place(packet, unwrapper.unwrap(seq), nowMillis);
            return;
        }
        if (candidate != null) {
            late++;
        }
        jumpCandidate = packet;
        jumpCandidateArrival = nowMillis;
    }

    /** Moves the head to {@code newHead}, dropping held packets and giving up missing ones on the way. */
    private void dropOldestUntil(long newHead) {
        lossSinceLastCheck = true;
        long skipped = newHead - head;
        if (skipped >= slots.length) {
            overflowDropped += size;
            lost += skipped - size;
            Arrays.fill(slots, null);
            size = 0;
        } else {
            for (long s = head; s < newHead; s++) {
                int index = (int) (s & mask);
                if (slots[index] != null) {
                    slots[index] = null;
                    size--;
                    overflowDropped++;
                } else {
                    lost++;
                }
            }
        }
        head = newHead;
    }

    /**
     * The next packet in sequence order, or {@code null} when none is ready yet (empty, or waiting
     * for a missing packet that may still come).
     */
    public RtpPacket poll(long nowMillis) {
        while (size > 0) {
            int index = (int) (head & mask);
            RtpPacket packet = slots[index];
            if (packet != null) {
                slots[index] = null;
                size--;
                head++;
                released++;
                return packet;
            }
            if (highest - head > reorderWindow) {
                giveUpUntil(head + 1);
                continue;
            }
            long firstHeld = firstHeldAfterHead();
            if (nowMillis - arrivalMillis[(int) (firstHeld & mask)] >= maxDelayMillis) {
                giveUpUntil(firstHeld);
                continue;
            }
            return null;
        }
        return null;
    }

    /**
     * When {@link #poll} will give up the current gap if nothing else arrives, or
     * {@link Long#MAX_VALUE} when nothing is waiting behind a gap. Lets the caller schedule its
     * next poll instead of spinning.
     */
    public long nextDeadlineMillis() {
        if (size == 0 || slots[(int) (head & mask)] != null) {
            return Long.MAX_VALUE;
        }
        return arrivalMillis[(int) (firstHeldAfterHead() & mask)] + maxDelayMillis;
    }

    /** Only when size > 0: the held packet nearest after the head; at most the ring length away. */
    private long firstHeldAfterHead() {
        long s = head + 1;
        while (slots[(int) (s & mask)] == null) {
            s++;
        }
        return s;
    }

    private void giveUpUntil(long newHead) {
        lost += newHead - head;
        head = newHead;
        lossSinceLastCheck = true;
    }

    /** True when packets were lost (or dropped) since the previous call; clears the flag. */
    public boolean lossSinceLastCheck() {
        boolean loss = lossSinceLastCheck;
        lossSinceLastCheck = false;
        return loss;
    }

    /** Drops everything held and forgets the stream, keeping the counters. */
    public void reset() {
        clear();
        started = false;
        unwrapper.reset();
    }

    private void clear() {
        overflowDropped += size;
        Arrays.fill(slots, null);
        size = 0;
        jumpCandidate = null;
    }

    /** Packets currently held. */
    public int size() { return size; }
    public int capacity() { return slots.length; }
    /** Highest extended sequence number inserted, or -1 before the first packet (RTCP RR). */
    public long highestExtendedSequence() { return started ? highest : -1; }

    public long received() { return received; }
    public long released() { return released; }
    public long duplicates() { return duplicates; }
    /** Arrived after their turn had passed, or too far from the stream to place. */
    public long late() { return late; }
    /** Never arrived in time: sequence numbers given up. */
    public long lost() { return lost; }
    /** Held packets thrown away unreleased: ring full, or flushed by a sender restart or reset. */
    public long overflowDropped() { return overflowDropped; }
    /** Sender restarts detected (RFC 3550 §A.1 style: two sequential packets far from the stream). */
    public long resyncs() { return resyncs; }

    @Override
    public String toString() {
        return "JitterBuffer[size=" + size + " received=" + received + " released=" + released
                + " dup=" + duplicates + " late=" + late + " lost=" + lost + " overflow=" + overflowDropped
                + " resyncs=" + resyncs + "]";
    }
}
