package dev.mcu.app.api;

/** One room as {@code GET /api/v1/rooms} lists it. */
public record RoomView(String name, String mode, int participants, String layout, boolean locked, boolean recording) {
}
