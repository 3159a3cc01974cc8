package dev.mcu.transport;

import java.io.IOException;
import java.lang.management.ManagementFactory;

/**
 * How many files (sockets included) this process may open, and telling "no file descriptor left"
 * apart from "port taken": a call holds {@link UdpMediaTransportFactory#SOCKETS_PER_CALL} sockets,
 * so a server with thousands of calls meets the process's open-file limit before it runs out of
 * ports, and each bind then fails with EMFILE, which must not read as a busy port. Stateless; any
 * thread.
 */
final class OpenFiles {
    /** Thrown instead of a "busy port" IOException when the bind failed for want of a file descriptor. */
    static final class LimitReached extends IOException {
        LimitReached(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private OpenFiles() {
    }

    /** The process's open-file limit, or -1 where the JVM cannot tell (not a Unix). */
    static long limit() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return -1;
    }

    /** Whether {@code failure} (or one of its causes) is EMFILE/ENFILE: no socket could be created at all. */
    static boolean exhausted(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && (message.contains("Too many open files") || message.contains("EMFILE")
                    || message.contains("ENFILE"))) {
                return true;
            }
        }
        return false;
    }

    /** An operator's explanation of a bind that failed for want of file descriptors. */
    static LimitReached limitReached(int port, Throwable cause) {
        return new LimitReached("no socket could be opened for UDP " + port + ": this process has reached its open-file"
                + " limit (" + limit() + ", " + UdpMediaTransportFactory.SOCKETS_PER_CALL + " sockets per call); raise it"
                + " (systemd LimitNOFILE=, docker run --ulimit nofile=, ulimit -n) or lower rooms.maxCalls", cause);
    }
}
