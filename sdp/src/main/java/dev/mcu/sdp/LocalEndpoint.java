package dev.mcu.sdp;

import dev.mcu.webrtc.LocalWebRtc;
import dev.mcu.media.MediaKind;

import java.util.function.ToIntFunction;

/**
 * Where our side of a call receives media, for the SDP we write: the address for o= and c=, the
 * transport's port per media kind, and the dialog's o= versioning.
 *
 * @param ports  borrowed: usually {@code transport::localPort}
 * @param webRtc our ICE/DTLS parameters when the call's transport is WebRTC, else {@code null}
 */
public record LocalEndpoint(String address, ToIntFunction<MediaKind> ports, LocalOrigin origin, LocalWebRtc webRtc) {

    /** A plain RTP endpoint. */
    public LocalEndpoint(String address, ToIntFunction<MediaKind> ports, LocalOrigin origin) {
        this(address, ports, origin, null);
    }
}
