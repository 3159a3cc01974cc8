package dev.mcu.transport;

import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;

/**
 * Chooses the Netty transport: native epoll when its jar (netty-transport-native-epoll with the
 * linux classifier) is on the class path and loads, NIO otherwise. Looked up by reflection so the
 * module needs no compile-time dependency on the native jar. The application builds its event loop
 * groups with {@link #ioHandlerFactory()}; the transport factories open channels of the matching
 * kind with {@link #channelFactory(EventLoopGroup)}. Stateless; any thread.
 */
public final class UdpChannels {
    private static final String EPOLL = "io.netty.channel.epoll.Epoll";
    private static final String EPOLL_HANDLER = "io.netty.channel.epoll.EpollIoHandler";
    private static final String EPOLL_DATAGRAM = "io.netty.channel.epoll.EpollDatagramChannel";

    private UdpChannels() {
    }

    /** Epoll when it loads here, else NIO: what the application's media event loops should run on. */
    public static IoHandlerFactory ioHandlerFactory() {
        return ioHandlerFactory(epollAvailable());
    }

    /** Datagram channels that can be registered with {@code group} (epoll or NIO, as the group was built). */
    public static ChannelFactory<? extends DatagramChannel> channelFactory(EventLoopGroup group) {
        return channelFactory(isEpoll(group));
    }

    /** Whether {@code group} runs epoll's I/O handler. */
    @SuppressWarnings("unchecked")
    public static boolean isEpoll(EventLoopGroup group) {
        if (!(group instanceof IoEventLoopGroup io)) {
            return false;
        }
        try {
            return io.isIoType((Class<? extends IoHandler>) Class.forName(EPOLL_HANDLER));
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }

    static boolean epollAvailable() {
        try {
            return (Boolean) Class.forName(EPOLL).getMethod("isAvailable").invoke(null);
        } catch (ReflectiveOperationException | LinkageError absent) {
            return false;
        }
    }

    static IoHandlerFactory ioHandlerFactory(boolean epoll) {
        if (epoll) {
            try {
                return (IoHandlerFactory) Class.forName(EPOLL_HANDLER).getMethod("newFactory").invoke(null);
            } catch (ReflectiveOperationException | LinkageError unusable) {
                // fall through to NIO
            }
        }
        return NioIoHandler.newFactory();
    }

    @SuppressWarnings("unchecked")
    static ChannelFactory<? extends DatagramChannel> channelFactory(boolean epoll) {
        if (epoll) {
            try {
                return new ReflectiveChannelFactory<>(
                        (Class<? extends DatagramChannel>) Class.forName(EPOLL_DATAGRAM));
            } catch (ClassNotFoundException | LinkageError unusable) {
                // fall through to NIO
            }
        }
        return NioDatagramChannel::new;
    }
}
