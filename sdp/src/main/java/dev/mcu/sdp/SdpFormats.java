package dev.mcu.sdp;

import dev.mcu.media.Codec;
import dev.mcu.media.MediaKind;
import dev.mcu.media.rtp.AbsSendTime;
import dev.mcu.media.rtp.AudioLevelIndication;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What offer matching, answer writing and offer writing share: reading payload types (with the
 * RFC 3551 static ones), the fmtp we write for a codec, and an empty session of ours. Stateless.
 */
final class SdpFormats {
    static final String TELEPHONE_EVENT_EVENTS = "0-15";

    private SdpFormats() {
    }

    /** The rtpmap of a payload type, or the RFC 3551 static assignment for 0..95 without one. */
    static Optional<RtpMap> rtpMapOf(MediaDescription m, int pt) {
        Optional<RtpMap> explicit = m.rtpMap(pt);
        if (explicit.isPresent() || pt >= 96) {
            return explicit;
        }
        return Codec.byStaticPayloadType(pt).map(c -> new RtpMap(pt, c.encodingName(), c.rtpClockRate(), 0));
    }

    static Optional<MediaKind> kindOf(String media) {
        for (MediaKind k : MediaKind.values()) {
            if (k.sdpName().equalsIgnoreCase(media)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    static String describeFormats(MediaDescription m) {
        List<String> names = new ArrayList<>();
        for (int pt : m.payloadTypes()) {
            names.add(rtpMapOf(m, pt).map(r -> r.encodingName() + "/" + r.clockRate()).orElse(String.valueOf(pt)));
        }
        return names.toString();
    }

    /** The remote's abs-send-time extmap on a video line, when it will take it from us. */
    static Optional<Extmap> absSendTimeExtension(MediaDescription m) {
        return Extmap.find(m, AbsSendTime.URI).filter(Extmap::writerReceives);
    }

    /** The remote's RFC 6464 audio-level extmap, when it will send it. */
    static Optional<Extmap> audioLevelExtension(MediaDescription m) {
        return Extmap.find(m, AudioLevelIndication.URI).filter(Extmap::writerSends);
    }

    /** The fmtp we write for a chosen codec. */
    static Map<String, String> localFmtp(MediaCapabilities capabilities, Codec codec, Map<String, String> remote) {
        Map<String, String> f = new LinkedHashMap<>();
        switch (codec) {
            case H264 -> {
                int level = capabilities.h264LevelIdc();
                if (!H264Parameters.levelAsymmetryAllowed(remote)) {
                    // Without level asymmetry both directions use one level: never above the offer's.
                    level = Math.min(level, H264Parameters.level(remote));
                }
                f.put("profile-level-id", capabilities.h264ProfileLevelId(level));
                f.put("packetization-mode", String.valueOf(H264Parameters.packetizationMode(remote)));
                f.put("level-asymmetry-allowed", "1");
            }
            case OPUS -> {
                f.put("minptime", "10");
                f.put("useinbandfec", "1");
            }
            default -> { }
        }
        return f;
    }

    static SessionDescription newSession(LocalEndpoint local) {
        SessionDescription sdp = new SessionDescription(null);
        sdp.setSessionName("mcu");
        sdp.setConnection(Connection.ip(local.address()));
        sdp.timings().add(Timing.PERMANENT);
        return sdp;
    }
}
