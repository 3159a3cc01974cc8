package dev.mcu.webrtc;

/** The browser's ICE short-term credentials from its offer (a=ice-ufrag, a=ice-pwd). Immutable. */
public record RemoteIceParameters(String ufrag, String password) {
    public RemoteIceParameters {
        if (ufrag == null || ufrag.isBlank() || password == null || password.isBlank()) {
            throw new IllegalArgumentException("ICE needs the remote ufrag and password");
        }
    }

    @Override
    public String toString() {
        return "RemoteIceParameters[ufrag=" + ufrag + ", password=<hidden>]";
    }
}
