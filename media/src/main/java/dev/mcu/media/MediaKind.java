package dev.mcu.media;

public enum MediaKind {
    AUDIO("audio"), VIDEO("video");

    private final String sdpName;

    MediaKind(String sdpName) {
        this.sdpName = sdpName;
    }

    /** The media name as written on an SDP m= line. */
    public String sdpName() {
        return sdpName;
    }
}
