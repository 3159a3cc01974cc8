package dev.mcu.bench.load;

/**
 * One load shape: {@code videoParticipants} people sending and receiving 640x360@30 H.264 and
 * Opus (participant 0's audio is the burst cycle, participant 1 times it), or one audio talker
 * and {@code listeners} recvonly audio listeners (listener 0 times the bursts).
 */
record Scenario(String name, int videoParticipants, int listeners) {
    static Scenario parse(String name) {
        if (name.startsWith("video")) {
            return new Scenario(name, Integer.parseInt(name.substring(5)), 0);
        }
        if (name.startsWith("listen")) {
            return new Scenario(name, 0, Integer.parseInt(name.substring(6)));
        }
        throw new IllegalArgumentException("unknown scenario " + name + " (videoN or listenN)");
    }

    boolean video() {
        return videoParticipants > 0;
    }

    int calls() {
        return video() ? videoParticipants : listeners + 1;
    }

    String describe() {
        return video()
                ? videoParticipants + " video participants (640x360@30 H.264 + Opus in, 1280x720@30 H.264 out)"
                : listeners + " audio-only listeners (recvonly Opus) + 1 talker";
    }
}
