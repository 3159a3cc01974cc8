package dev.mcu.conference;

import dev.mcu.layouts.LayoutKind;

import java.util.List;

/** Small rooms for tests: a 320x180 canvas at 10 fps, so an encode costs little. */
final class TestRooms {
    static final int WIDTH = 320;
    static final int HEIGHT = 180;

    private TestRooms() {
    }

    static VideoSettings video() {
        return video(LayoutKind.GRID);
    }

    static VideoSettings video(LayoutKind layout) {
        return video(layout, false);
    }

    static VideoSettings video(LayoutKind layout, boolean followSpeaker) {
        return new VideoSettings(WIDTH, HEIGHT, 10, 400, 100, 10, layout, followSpeaker, false, List.of(), true);
    }
}
