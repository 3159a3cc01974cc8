package dev.mcu.media;

/** An SDP media direction (RFC 3264 §5.1), always from the point of view of the side that wrote it. */
public enum Direction {
    SENDRECV, SENDONLY, RECVONLY, INACTIVE;

    public boolean sends() {
        return this == SENDRECV || this == SENDONLY;
    }

    public boolean receives() {
        return this == SENDRECV || this == RECVONLY;
    }

    /** What the answerer writes for this offered direction when it is willing to send and receive. */
    public Direction reverse() {
        return switch (this) {
            case SENDONLY -> RECVONLY;
            case RECVONLY -> SENDONLY;
            default -> this;
        };
    }

    public String attribute() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
