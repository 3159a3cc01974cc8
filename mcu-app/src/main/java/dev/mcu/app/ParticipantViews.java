package dev.mcu.app;

import dev.mcu.app.api.ParticipantView;
import dev.mcu.conference.ParticipantSnapshot;
import dev.mcu.conference.ParticipantStats;
import dev.mcu.media.Codec;
import dev.mcu.media.MediaKind;
import dev.mcu.transport.TransportStats;

/**
 * A participant as the API shows it: the room's snapshot (mute, role, talking, level, counters)
 * plus what the control plane keeps (short id, transport, hand, when it joined) and the
 * transport's jitter. The video rates ({@code fps}, {@code kbpsIn}, {@code kbpsOut}) are over the last
 * {@link RecentRates#WINDOW} (5 s), or since the join for a younger participant: a camera that
 * stopped shows 0 within that window. The packet counts and loss are since the join.
 *
 * <p>Threads: HTTP handlers.
 */
final class ParticipantViews {
    private ParticipantViews() {
    }

    static ParticipantView view(RoomControl.Member m, ParticipantSnapshot p) {
        ParticipantStats.Media audioStats = p.stats().audio();
        ParticipantStats.Media videoStats = p.stats().video();
        ParticipantView.Audio audio = new ParticipantView.Audio(name(p.audioCodec()), p.audioMuted(),
                level(p.levelDbov()), p.talking(), audioStats == null ? 0 : audioStats.receive().packets(),
                audioStats == null ? 0 : audioStats.send().packets(), lossPercent(audioStats),
                jitterMs(m, MediaKind.AUDIO, p.audioCodec()));
        RecentRates.Rates rates = videoStats == null ? RecentRates.Rates.NONE : m.rates.at(System.nanoTime(),
                videoStats.decoder().frames(), videoStats.receive().bytes(), videoStats.send().bytes());
        ParticipantView.Video video = new ParticipantView.Video(name(p.videoCodec()), p.videoMuted(), p.visible(),
                rates.fps(), rates.kbpsIn(), rates.kbpsOut(), p.videoLayer());
        return new ParticipantView(m.id, p.name(), RoomControl.fromRoom(p.role()).wireName(), m.transport, audio, video,
                m.handRaised, m.joinedAt.toString());
    }

    private static String name(Codec codec) {
        return codec == null ? null : codec.encodingName();
    }

    /** dBov (-127 silent .. 0 full scale) as 0..1 on a 60 dB scale, as a meter shows it. */
    private static double level(double dbov) {
        return round1(Math.max(0, Math.min(1, (dbov + 60) / 60)) * 100) / 100;
    }

    private static double lossPercent(ParticipantStats.Media stats) {
        if (stats == null) {
            return 0;
        }
        long lost = Math.max(0, stats.receive().lost());
        long expected = stats.receive().packets() + lost;
        return expected == 0 ? 0 : round1(100.0 * lost / expected);
    }

    private static double jitterMs(RoomControl.Member m, MediaKind kind, Codec codec) {
        if (codec == null) {
            return 0;
        }
        try {
            TransportStats s = m.call.transport().stats(kind);
            return round1(s.jitterRtpUnits() * 1000.0 / codec.rtpClockRate());
        } catch (RuntimeException closing) {
            return 0;
        }
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
