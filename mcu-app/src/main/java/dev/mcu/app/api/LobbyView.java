package dev.mcu.app.api;

/** What the pre-join screen may know without a token: never the PIN, only whether one is needed. */
public record LobbyView(String room, String mode, boolean pinRequired, boolean locked) {
}
