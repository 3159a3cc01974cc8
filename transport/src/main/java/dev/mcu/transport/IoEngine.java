package dev.mcu.transport;

import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The Netty transport the media sockets (the phones' RTP/RTCP and the shared WebRTC port) run on,
 * chosen by {@code media.ioEngine}. The three send the same datagrams; they differ in how:
 * <ul>
 *   <li>{@link #EPOLL} (what {@code auto} takes on Linux): one {@code sendto} per packet, or one
 *       {@code sendmmsg} for several queued on the same socket (the WebRTC port);</li>
 *   <li>{@link #IO_URING} (only when named): a batch's sends on every socket are queued in the loop's
 *       submission ring and handed to the kernel together, so a round to 5,000 phones, each on its
 *       own port, is a few dozen system calls instead of 5,000 {@code sendto}s. Measured here it
 *       did not pay (docs/benchmarks.md, "io_uring for the media sockets"): the kernel's per-datagram
 *       work stays, Netty's io_uring datagram channel costs more Java work per packet than epoll's,
 *       and it keeps 2 x 256 message headers per socket (~0.3 MiB: 3-4 GiB for 5,000 attendees'
 *       10,000 sockets);</li>
 *   <li>{@link #NIO}: the JDK's selector, one {@code sendto} per packet from a copy; where neither
 *       native transport loads.</li>
 * </ul>
 * The native ones need Linux and their jars; io_uring also a kernel that allows it (Docker's default
 * seccomp profile and {@code kernel.io_uring_disabled} forbid it).
 *
 * <p>Threads: stateless; any thread.
 */
public enum IoEngine {
    IO_URING("io_uring", IoUring::isAvailable, IoUring::unavailabilityCause),
    EPOLL("epoll", Epoll::isAvailable, Epoll::unavailabilityCause),
    NIO("nio", () -> true, () -> null);

    /** The setting that picks the first of {@link #AUTO_ORDER} that runs here. */
    public static final String AUTO = "auto";
    /** What {@code auto} tries, in order: io_uring is left out, it cost more than epoll (see above). */
    static final List<IoEngine> AUTO_ORDER = List.of(EPOLL, NIO);

    private final String setting;
    private final BooleanSupplier available;
    private final Supplier<Throwable> unavailabilityCause;

    IoEngine(String setting, BooleanSupplier available, Supplier<Throwable> unavailabilityCause) {
        this.setting = setting;
        this.available = available;
        this.unavailabilityCause = unavailabilityCause;
    }

    /** The name {@code media.ioEngine} gives it: io_uring, epoll or nio. */
    public String setting() {
        return setting;
    }

    /** Whether it runs here (its native library loads and the kernel lets it). */
    public boolean available() {
        try {
            return available.getAsBoolean();
        } catch (LinkageError missing) {
            return false;   // the native jar's classes are absent or do not load
        }
    }

    /** Why it does not run here, in a few words; null when it does. */
    public String unavailableBecause() {
        if (available()) {
            return null;
        }
        try {
            Throwable cause = unavailabilityCause.get();
            return cause == null ? "unknown" : firstLine(cause);
        } catch (LinkageError missing) {
            return "its Netty classes do not load (" + missing + ")";
        }
    }

    /** Event loops of this engine (build the media {@code MultiThreadIoEventLoopGroup}s with it). */
    public IoHandlerFactory ioHandlerFactory() {
        return switch (this) {
            case IO_URING -> IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
    }

    /** Datagram channels for event loops of this engine. */
    public ChannelFactory<? extends DatagramChannel> datagramChannels() {
        return switch (this) {
            case IO_URING -> IoUringDatagramChannel::new;
            case EPOLL -> EpollDatagramChannel::new;
            case NIO -> NioDatagramChannel::new;
        };
    }

    /** Whether this engine's sockets are native (bound on their event loop, not on the caller's thread). */
    public boolean isNative() {
        return this != NIO;
    }

    /** The engine {@code group}'s loops run (NIO for a group that is not one of these). */
    public static IoEngine of(EventLoopGroup group) {
        if (group instanceof IoEventLoopGroup io) {
            for (IoEngine engine : values()) {
                try {
                    if (io.isIoType(engine.handlerType())) {   // a class check: loads no native library
                        return engine;
                    }
                } catch (LinkageError absent) {
                    // that engine's classes are not here, so the group is not of it
                }
            }
        }
        return NIO;
    }

    private Class<? extends IoHandler> handlerType() {
        return switch (this) {
            case IO_URING -> IoUringIoHandler.class;
            case EPOLL -> EpollIoHandler.class;
            case NIO -> NioIoHandler.class;
        };
    }

    /** The values {@code media.ioEngine} accepts, for messages: "auto, io_uring, epoll or nio". */
    public static String settings() {
        String engines = Arrays.stream(values()).map(IoEngine::setting).collect(Collectors.joining(", "));
        int last = engines.lastIndexOf(", ");
        return AUTO + ", " + engines.substring(0, last) + " or " + engines.substring(last + 2);
    }

    /** Whether {@code setting} is one {@code media.ioEngine} accepts (case and surrounding blanks aside). */
    public static boolean isSetting(String setting) {
        return setting != null && (normalized(setting).equals(AUTO) || named(setting) != null);
    }

    /**
     * The engine {@code setting} asks for, and why, in an operator's words: {@code auto} takes the
     * first of epoll and NIO that runs here.
     *
     * @throws IllegalArgumentException for a setting that is not {@link #settings()}, or an engine
     *                                  named explicitly that cannot run here (naming the cause and the fix)
     */
    public static Choice choose(String setting) {
        if (!isSetting(setting)) {
            throw new IllegalArgumentException("media.ioEngine must be " + settings() + ", got '" + setting + "'");
        }
        IoEngine named = named(setting);
        if (named != null) {
            if (!named.available()) {
                throw new IllegalArgumentException("media.ioEngine is " + named.setting + ", but " + named.setting
                        + " cannot run here (" + named.unavailableBecause() + "): set media.ioEngine to auto"
                        + (named == IO_URING ? " or epoll" : "") + (named == IO_URING && inContainer()
                        ? " (this runs in a container: Docker's default seccomp profile forbids io_uring)" : ""));
            }
            return new Choice(named, "media.ioEngine: " + named.setting);
        }
        StringBuilder skipped = new StringBuilder();
        for (IoEngine engine : AUTO_ORDER) {
            if (engine.available()) {
                return new Choice(engine, "media.ioEngine: auto" + (skipped.isEmpty() ? "" : "; " + skipped));
            }
            skipped.append(skipped.isEmpty() ? "" : "; ").append(engine.setting).append(" cannot run here: ")
                    .append(engine.unavailableBecause());
        }
        throw new AssertionError("NIO always runs");
    }

    /** An engine and why it was taken. */
    public record Choice(IoEngine engine, String reason) {
    }

    private static IoEngine named(String setting) {
        String wanted = normalized(setting);
        for (IoEngine engine : values()) {
            if (engine.setting.equals(wanted)) {
                return engine;
            }
        }
        return null;
    }

    private static String normalized(String setting) {
        return setting.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    }

    private static boolean inContainer() {
        return new java.io.File("/.dockerenv").exists() || new java.io.File("/run/.containerenv").exists();
    }

    private static String firstLine(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
