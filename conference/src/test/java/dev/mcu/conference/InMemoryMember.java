package dev.mcu.conference;

import dev.mcu.media.Codec;
import dev.mcu.media.Direction;
import dev.mcu.media.MediaKind;
import dev.mcu.media.NegotiatedStream;
import dev.mcu.media.VideoReceiveCap;
import dev.mcu.transport.MediaListener;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A room member that is nothing but agreed streams and a {@link CapturingTransport}: what a SIP call
 * or a browser would be, without signalling or sockets. Threads: any.
 */
final class InMemoryMember implements Member {
    private final String id;
    private final List<NegotiatedStream> streams;
    private final CapturingTransport transport = new CapturingTransport();
    private final Role role;
    volatile boolean hungUp;

    private InMemoryMember(String id, List<NegotiatedStream> streams, Role role) {
        this.id = id;
        this.streams = streams;
        this.role = role;
    }

    /** Sends and receives PCMU audio and, when {@code videoCodec} is not null, video in that codec. */
    static InMemoryMember of(String id, Codec audioCodec, Codec videoCodec) {
        return of(id, audioCodec, videoCodec, Role.SPEAKER);
    }

    static InMemoryMember of(String id, Codec audioCodec, Codec videoCodec, Role role) {
        return of(id, audioCodec, videoCodec, role, Map.of(), VideoReceiveCap.NONE);
    }

    /** @param audioFmtp the audio's agreed format parameters, e.g. useinbandfec=1 */
    static InMemoryMember of(String id, Codec audioCodec, Codec videoCodec, Role role, Map<String, String> audioFmtp) {
        return of(id, audioCodec, videoCodec, role, audioFmtp, VideoReceiveCap.NONE);
    }

    /** @param cap what its SDP would have said it can take of our video (max-fs, level, b=AS) */
    static InMemoryMember of(String id, Codec audioCodec, Codec videoCodec, Role role, VideoReceiveCap cap) {
        return of(id, audioCodec, videoCodec, role, Map.of(), cap);
    }

    private static InMemoryMember of(String id, Codec audioCodec, Codec videoCodec, Role role,
                                     Map<String, String> audioFmtp, VideoReceiveCap cap) {
        List<NegotiatedStream> streams = new ArrayList<>();
        if (audioCodec != null) {
            streams.add(new NegotiatedStream(MediaKind.AUDIO, audioCodec, audioPayloadType(audioCodec), audioFmtp, -1,
                    Direction.SENDRECV, 0));
        }
        if (videoCodec != null) {
            streams.add(new NegotiatedStream(MediaKind.VIDEO, videoCodec, 96,
                    videoCodec == Codec.H264 ? Map.of("packetization-mode", "1") : Map.of(), -1, Direction.SENDRECV,
                    cap.maxKbps(), false, -1, cap));
        }
        return new InMemoryMember(id, List.copyOf(streams), role);
    }

    private static int audioPayloadType(Codec codec) {
        return codec.staticPayloadType() >= 0 ? codec.staticPayloadType() : 111;
    }

    CapturingTransport wire() {
        return transport;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String displayName() {
        return "Member " + id;
    }

    @Override
    public List<NegotiatedStream> streams() {
        return streams;
    }

    @Override
    public CapturingTransport transport() {
        return transport;
    }

    @Override
    public void setMediaListener(MediaListener listener) {
        transport.setListener(listener);
    }

    @Override
    public Role initialRole() {
        return role;
    }

    @Override
    public void hangup() {
        hungUp = true;
    }
}
