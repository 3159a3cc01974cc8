package dev.mcu.bench.load;

import dev.mcu.decoder.AudioDecoder;
import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import dev.mcu.media.rtcp.ReceiverReport;
import dev.mcu.media.rtcp.RtcpCompound;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Moves every participant's RTP with two threads for the whole benchmark: a sender that replays
 * cached packets on a 20 ms (audio) and 1/30 s (video) schedule kept against the monotonic clock,
 * rewriting sequence numbers, timestamps and SSRC; and a receiver that selects over all sockets,
 * counts packets and sequence gaps, and for the one latency probe decodes the mix it hears to
 * time each tone burst from the talker's first burst packet sent (t0) to the first received mix
 * packet carrying the burst (t1).
 *
 * Receive-only audio attendees may instead share a few sockets read by their own loop ({@link
 * SharedListenerSockets}, the default).
 *
 * <p>Participants that send no media send an RTCP receiver report on each stream every {@value
 * #REPORT_PERIOD_SECONDS} s (SRTCP for a WHEP viewer), as phones and browsers do: the server ends a
 * receive-only call whose RTCP stops (four times {@code media.timeoutSeconds}, 120 s by default).
 *
 * <p>Threads: {@link #add} from the main thread; the two threads it owns stop in {@link #close()}.
 */
final class MediaPump implements AutoCloseable {
    private static final long AUDIO_PERIOD_NANOS = Audio.FRAME_MILLIS * 1_000_000L;
    private static final long VIDEO_PERIOD_NANOS = 1_000_000_000L / MediaLibrary.VIDEO_FPS;
    /** Burst detection threshold: a quarter of the amplitude the talker sends. */
    private static final double BURST_ON = MediaLibrary.BURST_AMPLITUDE / 4.0;
    private static final double BURST_OFF = BURST_ON / 2;
    /** Bursts come every 2 s: a detection later than this cannot be attributed to one burst. */
    private static final long MAX_LATENCY_NANOS = 1_900_000_000L;

    private final List<LoadParticipant> senders = new CopyOnWriteArrayList<>();
    /** WHEP viewers: they send only ICE consent checks. */
    private final List<LoadParticipant> whepViewers = new CopyOnWriteArrayList<>();
    private static final long CONSENT_PERIOD_NANOS = 2_500_000_000L;
    /** Receive-only SIP participants with sockets of their own: they send only receiver reports. */
    private final List<LoadParticipant> silentReceivers = new CopyOnWriteArrayList<>();
    static final int REPORT_PERIOD_SECONDS = 5;
    private static final long REPORT_PERIOD_NANOS = REPORT_PERIOD_SECONDS * 1_000_000_000L;
    private final ConcurrentLinkedQueue<LoadParticipant> toRegister = new ConcurrentLinkedQueue<>();
    private final Selector selector;                               // owned
    /** Owned; made by the first {@link #sharedListenerPort} call (main thread), null until then or when not wanted. */
    private volatile SharedListenerSockets sharedListeners;
    private final Thread sender;
    private final Thread receiver;
    private final List<Long> burstsSent = new CopyOnWriteArrayList<>();   // t0, nanoTime
    private final List<Double> latenciesMillis = new CopyOnWriteArrayList<>();
    private final List<long[]> burstsHeard = new CopyOnWriteArrayList<>();  // {t0, t1} of each timed burst
    private final List<Long> flashesSent = new CopyOnWriteArrayList<>();    // nanoTime of each video flash's first frame
    private final java.util.concurrent.atomic.AtomicLong burstCount = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean running = true;
    private volatile double loudestBurstHeard;
    private volatile long sendErrors;

    /**
     * Every sender starts on this grid of whole video loops, up to one loop after it joined (its send times
     * keep their own offset within a frame, so senders stay spread over the frame period): all
     * participants show the same loop frame at the same time, as the ffmpeg
     * baseline's inputs, which all start at frame 0. With loops in random phases the server's canvas was
     * a different picture from run to run (received SSIM 0.9932–0.9948 over runs of one jar) and from the
     * baseline's.
     */
    private static final long VIDEO_LOOP_NANOS = MediaLibrary.VIDEO_LOOP_FRAMES * VIDEO_PERIOD_NANOS;
    private final long loopGridNanos = System.nanoTime();

    MediaPump() throws IOException {
        selector = Selector.open();
        sender = new Thread(this::sendLoop, "load-rtp-tx");
        receiver = new Thread(this::receiveLoop, "load-rtp-rx");
        sender.setDaemon(true);
        receiver.setDaemon(true);
        sender.start();
        receiver.start();
    }

    /** Starts moving this participant's media (it must have been {@link LoadParticipant#start started}). */
    void add(LoadParticipant p) {
        if (p.audio == null) {
            sharedListeners.add(p);   // receives only, on a shared socket
            return;
        }
        if (!p.sendsNothing()) {
            senders.add(p);
        }
        if (p.whep != null) {
            whepViewers.add(p);
        } else if (p.sendsNothing()) {
            silentReceivers.add(p);
        }
        toRegister.add(p);
        selector.wakeup();
    }

    /**
     * Stops sending this participant's media; its owner then closes its channels, which drops them
     * from the receive selector.
     */
    void remove(LoadParticipant p) {
        if (p.audio == null) {
            sharedListeners.remove(p);
            return;
        }
        senders.remove(p);
        whepViewers.remove(p);
        silentReceivers.remove(p);
        toRegister.remove(p);
    }

    /** The port the {@code n}th receive-only audio attendee names, or 0 when each has its own socket. */
    int sharedListenerPort(int n) throws IOException {
        if (sharedListeners == null && SharedListenerSockets.wanted()) {
            try {
                sharedListeners = new SharedListenerSockets();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while binding the shared listener sockets", e);
            }
        }
        return sharedListeners == null ? 0 : sharedListeners.port(n);
    }

    List<Double> latenciesMillis() {
        return new ArrayList<>(latenciesMillis);
    }

    /** Starts a measurement window: forgets latencies and bursts so far. */
    void clearLatencies() {
        latenciesMillis.clear();
        burstsHeard.clear();
        flashesSent.clear();
        burstCount.set(0);
        loudestBurstHeard = 0;
    }

    /** Bursts the talker started since {@link #clearLatencies()} (each should yield one latency). */
    /** {sent, heard} nanoTime of every burst timed since {@link #clearLatencies()}. */
    List<long[]> burstsHeard() {
        return new ArrayList<>(burstsHeard);
    }

    /** When the talker sent the first frame of each video flash since {@link #clearLatencies()}. */
    List<Long> flashesSent() {
        return new ArrayList<>(flashesSent);
    }

    long burstsSent() {
        return burstCount.get();
    }

    double loudestBurstHeard() {
        return loudestBurstHeard;
    }

    long sendErrors() {
        return sendErrors;
    }

    private void sendLoop() {
        ByteBuffer out = ByteBuffer.allocateDirect(2048);
        long nextConsent = System.nanoTime() + CONSENT_PERIOD_NANOS;
        long nextReport = System.nanoTime() + REPORT_PERIOD_NANOS;
        while (running) {
            long now = System.nanoTime();
            if (now >= nextConsent) {
                nextConsent = now + CONSENT_PERIOD_NANOS;
                for (LoadParticipant p : whepViewers) {
                    send(p.audio, ByteBuffer.wrap(p.whep.consentCheck()), p);
                }
            }
            if (now >= nextReport) {
                nextReport = now + REPORT_PERIOD_NANOS;
                sendReceiverReports();
            }
            for (LoadParticipant p : senders) {
                if (!p.started) {
                    continue;
                }
                if (p.startNanos == 0) {
                    // audio too, so the latency probe's tone bursts still come with its flashes
                    long since = now - loopGridNanos;
                    p.startNanos = loopGridNanos + (since + VIDEO_LOOP_NANOS - 1) / VIDEO_LOOP_NANOS * VIDEO_LOOP_NANOS
                            + since % VIDEO_PERIOD_NANOS;
                    p.audioSeq = (int) (p.audioSsrc & 0xffff);
                    p.videoSeq = (int) (p.videoSsrc & 0xffff);
                }
                long elapsed = now - p.startNanos;
                while (p.audioFramesSent * AUDIO_PERIOD_NANOS <= elapsed && running) {
                    sendAudio(p, out);
                }
                while (p.videoLoop != null && p.videoFramesSent * VIDEO_PERIOD_NANOS <= elapsed && running) {
                    sendVideo(p, out);
                }
            }
            sleepMillis(2);
        }
    }

    private void sendReceiverReports() {
        for (LoadParticipant p : silentReceivers) {
            if (p.started) {
                send(p.audio, ByteBuffer.wrap(receiverReport(p.audioSsrc)), p);
                if (p.video != null && p.remoteVideo != null) {
                    send(p.video, ByteBuffer.wrap(receiverReport(p.videoSsrc)), p);
                }
            }
        }
        for (LoadParticipant p : whepViewers) {
            byte[] report = p.whep.receiverReport(p.audioSsrc);
            if (report != null) {
                send(p.audio, ByteBuffer.wrap(report), p);
            }
        }
    }

    /** An RTCP receiver report with no report blocks (RFC 3550 6.4.2): "I am here, receiving". */
    static byte[] receiverReport(long ssrc) {
        return RtcpCompound.write(List.of(new ReceiverReport(ssrc, List.of())));
    }

    private void sendAudio(LoadParticipant p, ByteBuffer out) {
        long frame = p.audioFramesSent++;
        int index = (int) (frame % p.audioLoop.payloads().size());
        byte[] payload = p.audioLoop.payloads().get(index);
        boolean level = p.audioLevelId > 0;
        out.clear();
        out.put((byte) (level ? 0x90 : 0x80)).put((byte) ((frame == 0 ? 0x80 : 0) | p.audioPayloadType))
                .putShort((short) p.audioSeq++).putInt((int) (frame * Audio.FRAME_SAMPLES)).putInt((int) p.audioSsrc);
        if (level) {
            // RFC 8285 one-byte header extension with the RFC 6464 level (length field 0 = one byte), padded
            out.putShort((short) 0xBEDE).putShort((short) 1)
                    .put((byte) (p.audioLevelId << 4)).put(p.audioLoop.levels()[index]).put((byte) 0).put((byte) 0);
        }
        out.put(payload).flip();
        if (p.burstTalker && frame % MediaLibrary.BURST_CYCLE_FRAMES == MediaLibrary.BURST_FIRST_FRAME) {
            burstsSent.add(System.nanoTime());
            burstCount.incrementAndGet();
        }
        send(p.audio, out, p);
        if (p.burstTalker) {
            // keep the record bounded: only recent bursts can match a detection
            while (burstsSent.size() > 64) {
                burstsSent.remove(0);
            }
        }
    }

    private void sendVideo(LoadParticipant p, ByteBuffer out) {
        long frame = p.videoFramesSent++;
        List<byte[]> packets = p.videoLoop.frames().get((int) (frame % p.videoLoop.frames().size()));
        long timestamp = frame * 90_000L / MediaLibrary.VIDEO_FPS;
        if (p.burstTalker && frame % MediaLibrary.VIDEO_LOOP_FRAMES == MediaLibrary.FLASH_FIRST_FRAME) {
            flashesSent.add(System.nanoTime());
        }
        for (byte[] packet : packets) {
            out.clear();
            out.put(packet).flip();
            out.put(1, (byte) ((packet[1] & 0x80) | p.videoPayloadType));
            out.putShort(2, (short) p.videoSeq++);
            out.putInt(4, (int) timestamp);
            out.putInt(8, (int) p.videoSsrc);
            send(p.video, out, p);
        }
    }

    private void send(DatagramChannel channel, ByteBuffer packet, LoadParticipant p) {
        try {
            channel.send(packet, channel == p.audio ? p.remoteAudio : p.remoteVideo);
        } catch (IOException e) {
            sendErrors++;
        }
    }

    private void receiveLoop() {
        ByteBuffer in = ByteBuffer.allocate(2048);
        AudioDecoder decoder = null;
        boolean burstOn = false;
        try {
            while (running) {
                LoadParticipant joining;
                while ((joining = toRegister.poll()) != null) {
                    register(joining.audio, joining, false);
                    if (joining.video != null) {
                        register(joining.video, joining, true);
                    }
                    if (joining.latencyProbe && decoder == null) {
                        decoder = new AudioDecoder(Codec.OPUS);
                    }
                }
                if (selector.select(200) == 0) {
                    continue;
                }
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    Endpoint endpoint = (Endpoint) key.attachment();
                    DatagramChannel channel = (DatagramChannel) key.channel();
                    for (int burst = 0; burst < 64; burst++) {
                        in.clear();
                        if (!key.isValid() || channel.receive(in) == null) {
                            break;
                        }
                        long arrived = System.nanoTime();
                        int length = in.position();
                        if (length < 12 || (in.get(0) & 0xc0) != 0x80) {
                            continue;
                        }
                        LoadParticipant p = endpoint.participant;
                        int pt = in.get(1) & 0x7f;
                        boolean marker = (in.get(1) & 0x80) != 0;
                        int seq = in.getShort(2) & 0xffff;
                        if (p.whep != null) {
                            // SRTP keeps the RTP header in the clear: counted as it is, decrypted by the probe only
                            LoadParticipant.StreamStats stream = pt == p.videoPayloadType ? p.videoIn
                                    : pt == p.audioPayloadType ? p.audioIn : null;
                            if (stream != null && (!p.latencyProbe || p.whep.decrypts(in.array(), length))) {
                                stream.onPacket(seq, length, marker);
                            }
                        } else if (endpoint.video) {
                            if (pt == p.videoPayloadType) {
                                p.videoIn.onPacket(seq, length, marker);
                                if (p.recorder != null) {
                                    if (p.recorder.takeKeyframeRequest()) {
                                        channel.send(ByteBuffer.wrap(VideoRecorder.pli(p.videoSsrc, in.getInt(8) & 0xffffffffL)),
                                                p.remoteVideo);
                                    }
                                    p.recorder.onPacket(in.array(), length, marker, arrived);
                                }
                            }
                        } else if (pt == p.audioPayloadType) {
                            p.audioIn.onPacket(seq, length, marker);
                            if (p.latencyProbe && decoder != null) {
                                int headerLength = 12 + 4 * (in.get(0) & 0x0f);
                                short[] pcm = decoder.decode(in.array(), headerLength, length - headerLength);
                                double amplitude = LoadParticipant.burstAmplitude(pcm);
                                loudestBurstHeard = Math.max(loudestBurstHeard, amplitude);
                                if (!burstOn && amplitude > BURST_ON) {
                                    burstOn = true;
                                    recordLatency(arrived);
                                } else if (burstOn && amplitude < BURST_OFF) {
                                    burstOn = false;
                                }
                            }
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (running) {
                System.err.println("load benchmark: the RTP receiver stopped: " + e);
            }
        } finally {
            if (decoder != null) {
                decoder.close();
            }
        }
    }

    /** t1 - t0 against the newest burst sent before t1, when it is recent enough to be the one heard. */
    private void recordLatency(long arrived) {
        long best = -1;
        for (long sent : burstsSent) {
            if (sent <= arrived && sent > best) {
                best = sent;
            }
        }
        if (best > 0 && arrived - best < MAX_LATENCY_NANOS) {
            latenciesMillis.add((arrived - best) / 1e6);
            burstsHeard.add(new long[]{best, arrived});
        }
    }

    private void register(DatagramChannel channel, LoadParticipant p, boolean video) {
        try {
            channel.register(selector, SelectionKey.OP_READ, new Endpoint(p, video));
        } catch (ClosedChannelException e) {
            // the participant left before we registered it
        }
    }

    private record Endpoint(LoadParticipant participant, boolean video) {
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        SharedListenerSockets shared = sharedListeners;
        if (shared != null) {
            shared.close();
        }
        try {
            sender.join(3000);
            receiver.join(3000);
            selector.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // nothing left to free
        }
    }
}
