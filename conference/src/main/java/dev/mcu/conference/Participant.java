package dev.mcu.conference;

import dev.mcu.media.Audio;
import dev.mcu.media.Codec;
import dev.mcu.mixer.AudioLevel;
import dev.mcu.media.MediaKind;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.media.NegotiatedStream;
import dev.mcu.media.VideoReceiveCap;
import dev.mcu.transport.MediaListener;
import dev.mcu.transport.MediaTransport;
import dev.mcu.transport.TransportStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * One member's media inside a room, built from what its offer/answer agreed: decoders for what it
 * sends us, an audio encoder for the mix it hears, and the video output profile it receives.
 *
 * <p>Threads: built on the thread that calls {@link Room#join} (SIP's call-events thread), or on the
 * decode pool when an attendee is promoted, never on a room lane; {@link MediaListener} callbacks on
 * the transport's event loop (they only enqueue); its role, mute flags, level and {@link #pcmScratch}
 * belong to the room's audio lane, which also calls {@link #close()} when it leaves; the video lane
 * reads only its {@link InboundVideo}.
 */
final class Participant implements MediaListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Participant.class);

    /** How the room hears about a participant's requests, without the participant naming the room. */
    interface Listener {
        /** The participant asked for a keyframe of the stream it receives. */
        void onKeyframeRequested(Participant participant);

        /** A DTMF digit of the participant ended (RFC 4733 or SIP INFO). */
        void onDtmf(String participantId, char digit);
    }

    final String id;
    final short[] pcmScratch = new short[Audio.FRAME_SAMPLES]; // audio lane only
    private final Member member;                     // borrowed: the signalling side owns it
    private final String roomName;
    private final Listener listener;
    private final InboundAudio inboundAudio;         // owned, may be null
    private final InboundVideo inboundVideo;         // owned, may be null
    private final OutboundAudio outboundAudio;       // owned, may be null
    private final VideoProfileKey videoProfile;      // null when we send it no video
    private final VideoReceiveCap videoCap;          // what its SDP said it can take of our video
    private final Codec audioCodec;    // null when it has no audio
    private final Codec videoCodec;    // null when it has no video
    // Room clock only:
    Role role;
    boolean audioMuted;
    boolean videoMuted;
    double levelDbov = AudioLevel.SILENCE_DBOV;
    boolean mixed;
    boolean talking;
    LiveTone liveTone;   // playing into its own audio only, or null

    Participant(Member member, Role role, String roomName, Executor decodePool, LongSupplier clockMillis,
                Listener listener) {
        this(member, role, roomName, decodePool, clockMillis, listener, MediaTimings.NONE);
    }

    /** @param timings where its decoders report their timings and overflows */
    Participant(Member member, Role role, String roomName, Executor decodePool, LongSupplier clockMillis,
                Listener listener, MediaTimings timings) {
        this.id = member.id();
        this.member = member;
        this.roomName = roomName;
        this.listener = listener;
        Optional<NegotiatedStream> audio = stream(member, MediaKind.AUDIO);
        Optional<NegotiatedStream> video = stream(member, MediaKind.VIDEO);
        MediaTransport transport = member.transport();
        this.inboundAudio = audio.filter(s -> s.direction().receives())
                .map(s -> new InboundAudio(s.codec(), new SerialExecutor(decodePool), clockMillis,
                        s.audioLevelExtensionId(), timings)).orElse(null);
        this.inboundVideo = video.filter(s -> s.direction().receives())
                .map(s -> new InboundVideo(s.codec(), new SerialExecutor(decodePool), transport::requestKeyframe,
                        clockMillis, timings))
                .orElse(null);
        this.outboundAudio = audio.filter(s -> s.direction().sends())
                .map(s -> new OutboundAudio(s.codec(), transport, s.payloadType(), wantsInbandFec(s))).orElse(null);
        this.videoProfile = video.filter(s -> s.direction().sends()).map(VideoProfileKey::of).orElse(null);
        this.videoCap = video.map(NegotiatedStream::receiveCap).orElse(VideoReceiveCap.NONE);
        this.audioCodec = audio.map(NegotiatedStream::codec).orElse(null);
        this.videoCodec = video.map(NegotiatedStream::codec).orElse(null);
        this.role = role;
    }

    /** RFC 7587 §6.1: the receiver says it uses Opus in-band FEC; absent means it does not. */
    private static boolean wantsInbandFec(NegotiatedStream audio) {
        String value = audio.fmtp().get("useinbandfec");
        return value != null && value.trim().equals("1");
    }

    private static Optional<NegotiatedStream> stream(Member member, MediaKind kind) {
        return member.streams().stream().filter(s -> s.kind() == kind).findFirst();
    }

    String displayName() {
        return member.displayName();
    }

    MediaTransport transport() {
        return member.transport();
    }

    Member member() {
        return member;
    }

    InboundAudio inboundAudio() {
        return inboundAudio;
    }

    InboundVideo inboundVideo() {
        return inboundVideo;
    }

    OutboundAudio outboundAudio() {
        return outboundAudio;
    }

    VideoProfileKey videoProfile() {
        return videoProfile;
    }

    VideoReceiveCap videoCap() {
        return videoCap;
    }

    Codec audioCodec() {
        return audioCodec;
    }

    Codec videoCodec() {
        return videoCodec;
    }

    /** Whether its voice goes into the mix: not muted, and not an attendee. Room clock. */
    boolean heard() {
        return !audioMuted && role.isSeenAndHeard();
    }

    /** Whether it gets a tile in the layout (its picture, or a placeholder while muted). Room clock. */
    boolean shown() {
        return inboundVideo != null && role.isSeenAndHeard();
    }

    /** Video pictures decoded so far, 0 without video. Room clock. */
    long videoFramesDecoded() {
        return inboundVideo == null ? 0 : inboundVideo.framesDecoded();
    }

    /** Its counters from the wire to the mixer and back out. Room clock (transport counters are thread-safe). */
    ParticipantStats stats(boolean visible) {
        return new ParticipantStats(
                audioCodec == null ? null : mediaStats(MediaKind.AUDIO),
                videoCodec == null ? null : mediaStats(MediaKind.VIDEO),
                new ParticipantStats.Mixer(visible, mixed, levelDbov));
    }

    private ParticipantStats.Media mediaStats(MediaKind kind) {
        TransportStats t = member.transport().stats(kind);
        Map<String, Long> dropped = new LinkedHashMap<>(t.droppedByReason()); // the transport's reasons
        ParticipantStats.DecodeQueue queue = new ParticipantStats.DecodeQueue(0, 0);
        ParticipantStats.Decoder decoding = new ParticipantStats.Decoder(0, 0, 0, 0);
        if (kind == MediaKind.AUDIO && inboundAudio != null) {
            dropped.put("not-heard", inboundAudio.skippedNotHeard());
            queue = new ParticipantStats.DecodeQueue(inboundAudio.queueDepth(), inboundAudio.droppedOverflow());
            decoding = new ParticipantStats.Decoder(inboundAudio.packetsDecoded(), inboundAudio.decodeErrors(), 0,
                    inboundAudio.framesConcealed());
        } else if (kind == MediaKind.VIDEO && inboundVideo != null) {
            dropped.put("hidden", inboundVideo.skippedInvisible());
            queue = new ParticipantStats.DecodeQueue(inboundVideo.queueDepth(), inboundVideo.droppedOverflow());
            decoding = new ParticipantStats.Decoder(inboundVideo.framesDecoded(), inboundVideo.decodeErrors(),
                    inboundVideo.keyframesAsked(), 0);
        }
        return new ParticipantStats.Media(
                new ParticipantStats.Receive(t.packetsReceived(), t.bytesReceived(), t.packetsLost(), t.reordered(),
                        t.jitterRtpUnits(), dropped),
                queue, decoding,
                new ParticipantStats.Send(t.packetsSent(), t.bytesSent(), t.retransmitted(), t.keyframeRequestsReceived()));
    }

    @Override
    public void onRtp(MediaKind kind, RtpPacket packet) {
        if (kind == MediaKind.AUDIO && inboundAudio != null) {
            inboundAudio.offer(packet);
        } else if (kind == MediaKind.VIDEO && inboundVideo != null) {
            inboundVideo.offer(packet);
        }
    }

    @Override
    public void onKeyframeRequested() {
        listener.onKeyframeRequested(this);
    }

    @Override
    public void onDtmf(char digit) {
        log.debug("{} pressed DTMF '{}' in room {}", displayName(), digit, roomName);
        listener.onDtmf(id, digit);
    }

    @Override
    public void close() {
        if (inboundAudio != null) {
            inboundAudio.close();
        }
        if (inboundVideo != null) {
            inboundVideo.close();
        }
        if (outboundAudio != null) {
            outboundAudio.close();
        }
    }
}
