package dev.mcu.app.api;

/**
 * What the pre-join screen may know without a token: never a PIN, only whether one is needed
 * ({@code pinRequired}) or would give a role (host or speaker) to whoever has it ({@code pinOptional}).
 */
public record LobbyView(String room, String mode, boolean pinRequired, boolean pinOptional, boolean locked) {
}
