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
 *   <li>{@code webinarN} (also {@code webinarNa}): the listen shape in a room of {@code mode: webinar}: the
 *       talker dials the speaker PIN, the N recvonly listeners dial no PIN and are attendees;</li>
 *   <li>{@code talkN}: N sendrecv Opus participants; 3 talk (participant 0 the burst cycle, 1 and 2 a
 *       tone), the rest send continuous Opus silence (not DTX: a packet every 20 ms). Everyone puts
 *       its level in the RFC 6464 header extension, as browsers do.</li>
 * </ul>
 */
record Scenario(String name, Kind kind, int participants, String layout) {
    enum Kind { VIDEO, LISTEN, TALK, WEBINAR }

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
        throw new IllegalArgumentException("unknown scenario " + name + " (videoN, videoNspeaker, listenN, webinarN or talkN)");
    }

    boolean video() {
        return kind == Kind.VIDEO;
    }

    int videoParticipants() {
        return video() ? participants : 0;
    }

    int calls() {
        return kind == Kind.LISTEN || kind == Kind.WEBINAR ? participants + 1 : participants;
    }

    /** Server settings this scenario needs beyond ServerProcess's defaults. */
    List<String> serverSettings() {
        if (kind == Kind.WEBINAR) {
            int room = Math.max(1100, participants + 10);
            return List.of("rooms.list=[{name: " + name + ", mode: webinar, speakerPin: '" + SPEAKER_PIN + "'}]",
                    "rooms.maxCalls=" + room, "rooms.maxParticipants=" + room,
                    "media.portMin=20000", "media.portMax=" + Math.max(29999, 20000 + 2 * participants + 100));
        }
        return layout == null ? List.of() : List.of("video.layout=" + layout);
    }

    String describe() {
        return switch (kind) {
            case VIDEO -> participants + " video participants, " + layout
                    + " (640x360@30 H.264 + Opus in, 1280x720@30 H.264 out)";
            case LISTEN -> participants + " audio-only listeners (recvonly Opus) + 1 talker";
            case WEBINAR -> participants + " webinar attendees (recvonly Opus, no PIN) + 1 speaker (speakerPin)";
            case TALK -> participants + " sendrecv Opus participants, " + TALKERS + " talking, the rest sending silence";
        };
    }
}
