package dev.mcu.app;

import dev.mcu.app.http.HttpError;
import dev.mcu.conference.Room;
import dev.mcu.media.I420Frame;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Each room's composite as a small JPEG for the dashboard: made only when somebody asks, and at
 * most once a second per room (askers within the second get the same bytes), so watching costs a
 * room one scaled copy and one JPEG encode a second whatever the number of viewers. The JDK's
 * ImageIO writes the JPEG.
 *
 * <p>Threads: HTTP handler threads; one room's thumbnail is made by one of them at a time.
 */
final class Thumbnails {
    static final int WIDTH = 320;
    static final int HEIGHT = 180;
    private static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private record Cached(byte[] jpeg, long madeAtNanos) {
    }

    private final Function<String, Optional<Room>> rooms;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    Thumbnails(Function<String, Optional<Room>> rooms) {
        this.rooms = rooms;
    }

    /** The JPEG of {@code room}'s newest picture; 404 for no such room, 503 before its first frame. */
    byte[] jpeg(String roomName) {
        Room room = rooms.apply(roomName).orElseThrow(() -> new HttpError(404, "No room named '" + roomName + "' is open"));
        Object lock = locks.computeIfAbsent(roomName, r -> new Object());
        synchronized (lock) {
            Cached cached = cache.get(roomName);
            long now = System.nanoTime();
            if (cached != null && now - cached.madeAtNanos() < MAX_AGE_NANOS) {
                return cached.jpeg();
            }
            Optional<I420Frame> picture;
            try {
                picture = room.thumbnail(WIDTH, HEIGHT).get(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HttpError(503, "The server is stopping");
            } catch (ExecutionException | TimeoutException e) {
                throw new HttpError(503, "Room '" + roomName + "' did not hand out its picture in time; try again");
            }
            byte[] jpeg = encode(picture.orElseThrow(() ->
                    new HttpError(503, "Room '" + roomName + "' has no picture yet; try again in a second")));
            cache.put(roomName, new Cached(jpeg, System.nanoTime()));
            return jpeg;
        }
    }

    /** Forgets a closed room's picture. */
    void forget(String roomName) {
        cache.remove(roomName);
        locks.remove(roomName);
    }

    static byte[] encode(I420Frame frame) {
        BufferedImage image = toRgb(frame);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.8f);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a JPEG in memory", e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** BT.601 limited range, as the encoders and decoders use. */
    static BufferedImage toRgb(I420Frame frame) {
        int w = frame.width();
        int h = frame.height();
        int cw = I420Frame.chromaWidth(w);
        int ch = I420Frame.chromaHeight(h);
        byte[] d = frame.data();
        int uOffset = w * h;
        int vOffset = uOffset + cw * ch;
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int luma = (d[y * w + x] & 0xff) - 16;
                int u = (d[uOffset + (y / 2) * cw + x / 2] & 0xff) - 128;
                int v = (d[vOffset + (y / 2) * cw + x / 2] & 0xff) - 128;
                int r = clamp((298 * luma + 409 * v + 128) >> 8);
                int g = clamp((298 * luma - 100 * u - 208 * v + 128) >> 8);
                int b = clamp((298 * luma + 516 * u + 128) >> 8);
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return image;
    }

    private static int clamp(int c) {
        return c < 0 ? 0 : Math.min(255, c);
    }
}
