package dev.mcu.conference;

import dev.mcu.media.Codec;
import dev.mcu.media.MediaKind;
import dev.mcu.media.NegotiatedStream;
import dev.mcu.media.VideoReceiveCap;
import dev.mcu.media.rtp.RtpPacket;
import dev.mcu.mixer.AudioLevel;
import dev.mcu.transport.MediaListener;
import dev.mcu.transport.MediaTransport;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A view-only member of a room: it receives the program and nothing it sends is used. Unlike a
 * {@link Participant} it owns no codec, no buffer and no timer: the room's audio round sends it the
 * packet built once for every attendee of its codec ({@link ProgramAudio}), and the video profile
 * of its codec sends it the packets encoded once for all its receivers. What it sends us is counted
 * and dropped on the event loop; only its DTMF (hands) and keyframe requests are heard.
 *
 * <p>Threads: built on the caller of {@link Room#join} or on the audio lane (a demotion);
 * {@link MediaListener} callbacks on the transport's event loop; mute flags on the audio lane.
 */
final class Attendee implements MediaListener {

    /** Where an attendee's requests go, without the attendee naming its room. Event-loop threads. */
    interface Listener {
        void onKeyframeRequested(VideoProfileKey profile, MediaTransport receiver);

        void onDtmf(String participantId, char digit);
    }

    final String id;
    private final Member member;                 // borrowed: the signalling side owns it
    private final Listener listener;
    private final Codec audioCodec;              // null when it has no audio
    private final Codec videoCodec;              // null when it has no video
    private final boolean hearsAudio;            // we send it the program's audio
    private final VideoProfileKey videoProfile;  // null when we send it no video
    private final VideoReceiveCap videoCap;      // what its SDP said it can take of our video
    private final AtomicLong ignoredAudio = new AtomicLong();
    private final AtomicLong ignoredVideo = new AtomicLong();
    // Audio lane only: kept so that a promotion or a re-INVITE finds them as they were.
    boolean audioMuted;
    boolean videoMuted;

    Attendee(Member member, Listener listener) {
        this.id = member.id();
        this.member = member;
        this.listener = listener;
        Optional<NegotiatedStream> audio = stream(member, MediaKind.AUDIO);
        Optional<NegotiatedStream> video = stream(member, MediaKind.VIDEO);
        this.audioCodec = audio.map(NegotiatedStream::codec).orElse(null);
        this.videoCodec = video.map(NegotiatedStream::codec).orElse(null);
        this.hearsAudio = audio.filter(s -> s.direction().sends()).isPresent();
        this.videoProfile = video.filter(s -> s.direction().sends()).map(VideoProfileKey::of).orElse(null);
        this.videoCap = video.map(NegotiatedStream::receiveCap).orElse(VideoReceiveCap.NONE);
    }

    private static Optional<NegotiatedStream> stream(Member member, MediaKind kind) {
        return member.streams().stream().filter(s -> s.kind() == kind).findFirst();
    }

    Member member() {
        return member;
    }

    MediaTransport transport() {
        return member.transport();
    }

    /** The codec of the program audio it is sent, or null when it hears nothing. */
    Codec hearsAudioIn() {
        return hearsAudio ? audioCodec : null;
    }

    VideoProfileKey videoProfile() {
        return videoProfile;
    }

    VideoReceiveCap videoCap() {
        return videoCap;
    }

    ParticipantSnapshot snapshot() {
        ParticipantStats stats = new ParticipantStats(
                audioCodec == null ? null : ParticipantStats.ofTransport(transport().stats(MediaKind.AUDIO),
                        "not-heard", ignoredAudio.get()),
                videoCodec == null ? null : ParticipantStats.ofTransport(transport().stats(MediaKind.VIDEO),
                        "hidden", ignoredVideo.get()),
                new ParticipantStats.Mixer(false, false, AudioLevel.SILENCE_DBOV));
        return new ParticipantSnapshot(id, member.displayName(), Role.ATTENDEE, audioMuted, videoMuted, false,
                AudioLevel.SILENCE_DBOV, false, audioCodec, videoCodec, stats);
    }

    @Override
    public void onRtp(MediaKind kind, RtpPacket packet) {
        (kind == MediaKind.AUDIO ? ignoredAudio : ignoredVideo).incrementAndGet();
    }

    @Override
    public void onKeyframeRequested() {
        if (videoProfile != null) {
            listener.onKeyframeRequested(videoProfile, transport());
        }
    }

    @Override
    public void onDtmf(char digit) {
        listener.onDtmf(id, digit);
    }
}
