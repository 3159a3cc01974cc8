package dev.mcu.encoder;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swresample;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;

/**
 * Loads FFmpeg's natives once, on the thread that starts the server, before any other thread
 * touches JavaCPP. A first load racing another thread's first use can deadlock inside JavaCPP: one
 * thread holds {@link Loader}'s lock while it waits for {@link Pointer}'s class initialisation,
 * which the other thread runs and which waits for that lock (seen in a test whose phone thread
 * opened an encoder while a room's compositor started). Called by the application at start-up;
 * idempotent and cheap after the first call.
 */
public final class FfmpegNatives {
    private FfmpegNatives() {
    }

    public static void load() {
        Loader.load(Pointer.class);
        Loader.load(avutil.class);
        Loader.load(avcodec.class);
        Loader.load(avformat.class);
        Loader.load(swscale.class);
        Loader.load(swresample.class);
    }
}
