package dev.mcu.bench.load;

import java.util.List;

/**
 * One load shape, parsed from its name:
 * <ul>
 *   <li>{@code videoN}: N people sending and receiving 640x360@30 H.264 and Opus, in the default grid
 *       (participant 0's audio is the burst cycle, participant 1 times it and records the video it gets);</li>
 *   <li>{@code videoNspeaker}: the same in the speaker layout (the server started with
 *       {@code video.layout=speaker}), where hidden participants are not decoded;</li>
 *   <li>{@code listenN}: one audio talker and N recvonly audio listeners (listener 1 times the bursts);</li>
 *   <li>{@code webinarN}: the listen shape in a room of {@code mode: webinar}: the talker dials the
 *       speaker PIN, the N recvonly listeners dial no PIN and are attendees;</li>
 *   <li>{@code webinarNa}: the same with 3 talking speakers (issue 9's {@code webinar5000a} shape);</li>
 *   <li>{@code webinarNv}: 4 video speakers (the video shape, speaker PIN) and N attendees receiving
 *       audio and video (recvonly H.264 + Opus) of the program; each attendee's offer says {@code b=AS:600},
 *       so the default output ladder sends them its 640x360 layer while the speakers get 1280x720
 *       (issue 9's {@code webinar1000v} "on the 360p layer");</li>
 *   <li>{@code webinarNw}: the same 4 speakers and N attendees watching by WHEP (issue 9's
 *       {@code webinar300w}): DTLS-SRTP, ICE-lite and BUNDLE on the server's one WebRTC port;</li>
 *   <li>{@code talkN}: N sendrecv Opus participants; 3 talk (participant 0 the burst cycle, 1 and 2 a
 *       tone), the rest send continuous Opus silence (not DTX: a packet every 20 ms). Everyone puts
 *       its level in the RFC 6464 header extension, as browsers do.</li>
 * </ul>
 */
record Scenario(String name, Kind kind, int participants, String layout) {
    enum Kind { VIDEO, LISTEN, TALK, WEBINAR, WEBINAR_VIDEO, WEBINAR_WHEP }

    static final int TALKERS = 3;
    /** The webinar room's speakerPin (the talker dials ROOM*PIN). */
    static final String SPEAKER_PIN = "2468";

    static Scenario parse(String name) {
        try {
            if (name.startsWith("video") && name.endsWith("speaker")) {
                return new Scenario(name, Kind.VIDEO, Integer.parseInt(name.substring(5, name.length() - 7)), "speaker");
            }
            if (name.startsWith("video")) {
                return new Scenario(name, Kind.VIDEO, Integer.parseInt(name.substring(5)), "grid");
            }
            if (name.startsWith("listen")) {
                return new Scenario(name, Kind.LISTEN, Integer.parseInt(name.substring(6)), null);
            }
            if (name.startsWith("webinar") && name.endsWith("w")) {
                return new Scenario(name, Kind.WEBINAR_WHEP, Integer.parseInt(name.substring(7, name.length() - 1)), null);
            }
            if (name.startsWith("webinar") && name.endsWith("v")) {
                return new Scenario(name, Kind.WEBINAR_VIDEO, Integer.parseInt(name.substring(7, name.length() - 1)), null);
            }
            if (name.startsWith("webinar")) {
                String n = name.substring(7);
                return new Scenario(name, Kind.WEBINAR, Integer.parseInt(n.endsWith("a") ? n.substring(0, n.length() - 1) : n),
                        null);
            }
            if (name.startsWith("talk")) {
                return new Scenario(name, Kind.TALK, Integer.parseInt(name.substring(4)), null);
            }
        } catch (NumberFormatException e) {
            // falls through to the explanation below
        }
        throw new IllegalArgumentException("unknown scenario " + name
                + " (videoN, videoNspeaker, listenN, webinarN, webinarNa, webinarNv, webinarNw or talkN)");
    }

    boolean video() {
        return kind == Kind.VIDEO;
    }

    /** Whether the receivers get video (whose frame rate then counts for real time). */
    boolean receivesVideo() {
        return kind == Kind.VIDEO || kind == Kind.WEBINAR_VIDEO || kind == Kind.WEBINAR_WHEP;
    }

    /** Whether the attendees join by WHEP (DTLS-SRTP on the server's one WebRTC port) instead of SIP. */
    boolean whep() {
        return kind == Kind.WEBINAR_WHEP;
    }

    /** How many participants send video (each gets a video loop of its own). */
    int videoParticipants() {
        return video() ? participants : kind == Kind.WEBINAR_VIDEO || kind == Kind.WEBINAR_WHEP ? speakers() : 0;
    }

    boolean webinar() {
        return kind == Kind.WEBINAR || kind == Kind.WEBINAR_VIDEO || kind == Kind.WEBINAR_WHEP;
    }

    /** Who dials the speaker PIN in a webinar: 1 talker, 3 for {@code webinarNa}, 4 video speakers for {@code webinarNv}. */
    int speakers() {
        return switch (kind) {
            case WEBINAR -> name.endsWith("a") ? TALKERS : 1;
            case WEBINAR_VIDEO, WEBINAR_WHEP -> 4;
            case LISTEN -> 1;
            default -> 0;
        };
    }

    int calls() {
        return kind == Kind.LISTEN || webinar() ? participants + speakers() : participants;
    }

    /** Server settings this scenario needs beyond ServerProcess's defaults. */
    List<String> serverSettings() {
        if (webinar()) {
            int room = Math.max(1100, participants + 10);
            // the server binds RTP + RTCP for audio and for video for every call, audio-only or not
            int portsPerCall = 4;
            // a tenth more than needed: other programs on the machine hold ports in the range too
            int ports = portsPerCall * calls() + calls() / 10 + 500;
            return List.of("rooms.list=[{name: " + name + ", mode: webinar, speakerPin: '" + SPEAKER_PIN + "'}]",
                    "rooms.maxCalls=" + room, "rooms.maxParticipants=" + room,
                    "media.portMin=" + portMin(ports), "media.portMax=" + (portMin(ports) + Math.max(9999, ports)));
        }
        return layout == null ? List.of() : List.of("video.layout=" + layout);
    }

    /**
     * Below the kernel's ephemeral ports (32768 and up by default, where every socket bound to port 0
     * lands, the benchmark's own 5,000 included) when the range fits there, else above 20000.
     */
    private static int portMin(int ports) {
        return ports + 10_000 <= 32_000 ? 10_000 : Math.max(1024, 65_000 - ports);
    }

    String describe() {
        return switch (kind) {
            case VIDEO -> participants + " video participants, " + layout
                    + " (640x360@30 H.264 + Opus in, 1280x720@30 H.264 out)";
            case LISTEN -> participants + " audio-only listeners (recvonly Opus) + 1 talker";
            case WEBINAR -> participants + " webinar attendees (recvonly Opus, no PIN) + " + speakers() + " speaker"
                    + (speakers() == 1 ? "" : "s") + " (speakerPin)";
            case WEBINAR_VIDEO -> participants + " webinar attendees (recvonly Opus + H.264 at b=AS:"
                    + LoadParticipant.VIEWER_MAX_KBPS + ", no PIN) + " + speakers()
                    + " video speakers (speakerPin, 640x360@30 H.264 + Opus)";
            case WEBINAR_WHEP -> participants + " WHEP attendees (recvonly Opus + H.264 over ICE-lite, DTLS-SRTP, BUNDLE on the"
                    + " one WebRTC port) + " + speakers() + " SIP video speakers (speakerPin, 640x360@30 H.264 + Opus)";
            case TALK -> participants + " sendrecv Opus participants, " + TALKERS + " talking, the rest sending silence";
        };
    }
}
