package dev.mcu.app.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One open Server-Sent Events answer. {@link #send} never blocks: when the client reads too slowly
 * for Netty's outbound buffer (the channel is not writable), the event is dropped and counted.
 *
 * <p>Threads: any thread may send; Netty queues the write onto the channel's event loop.
 */
public final class EventStream {
    private final Channel channel;   // borrowed: owned by the HTTP server
    private final AtomicLong dropped = new AtomicLong();

    EventStream(Channel channel) {
        this.channel = channel;
    }

    /** @return false when the stream is closed (the caller should stop sending) */
    public boolean send(String event, String jsonData) {
        if (!channel.isActive()) {
            return false;
        }
        if (!channel.isWritable()) {
            dropped.incrementAndGet();
            return true;
        }
        String frame = "event: " + event + "\ndata: " + jsonData + "\n\n";
        channel.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(frame, StandardCharsets.UTF_8)));
        return true;
    }

    /** A comment line that keeps proxies from closing an idle stream. */
    public boolean keepAlive() {
        if (!channel.isActive()) {
            return false;
        }
        if (channel.isWritable()) {
            channel.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(":\n\n", StandardCharsets.UTF_8)));
        }
        return true;
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    /** Runs {@code action} once, when the client goes away or the server closes the stream. */
    public void onClose(Runnable action) {
        channel.closeFuture().addListener(f -> action.run());
    }

    public long dropped() {
        return dropped.get();
    }

    public void close() {
        channel.close();
    }
}
