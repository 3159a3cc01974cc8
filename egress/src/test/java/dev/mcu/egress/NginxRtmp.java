package dev.mcu.egress;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Test helper: Debian's nginx with libnginx-mod-rtmp on a loopback port, recording every stream
 * published to application "live" as {@code DIR/rec/NAME.flv} (see /work/shared/PEERS.md).
 */
final class NginxRtmp implements AutoCloseable {
    private static final Path MODULE = Path.of("/usr/lib/nginx/modules/ngx_rtmp_module.so");
    private final Path dir;
    private final int port;
    private Process process;                 // owned: stopped in close()

    NginxRtmp(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    static boolean installed() {
        return Files.exists(MODULE) && Files.isExecutable(Path.of("/usr/sbin/nginx"));
    }

    /** A loopback port nothing listens on right now. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    NginxRtmp start() throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("rec"));
        String conf = """
                load_module %s;
                daemon off;
                pid %s/nginx.pid;
                error_log %s/error.log info;
                events { worker_connections 64; }
                rtmp {
                  server {
                    listen 127.0.0.1:%d;
                    application live { live on; record all; record_path %s/rec; record_unique off; }
                  }
                }
                """.formatted(MODULE, dir, dir, port, dir);
        if ("root".equals(System.getProperty("user.name"))) {
            conf = "user root;\n" + conf; // workers as www-data could not write the recording
        }
        Files.writeString(dir.resolve("nginx.conf"), conf);
        process = new ProcessBuilder("/usr/sbin/nginx", "-e", dir.resolve("error.log").toString(),
                "-c", dir.resolve("nginx.conf").toString(), "-p", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return this;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IOException("nginx exited: " + Files.readString(dir.resolve("stdout.log")));
                }
                Thread.sleep(50);
            }
        }
        throw new IOException("nginx did not listen on " + port);
    }

    String url(String stream) {
        return "rtmp://127.0.0.1:" + port + "/live/" + stream;
    }

    /** The recording of a stream, once nginx has closed it (its size stops changing). */
    Path recording(String stream) throws IOException, InterruptedException {
        Path file = dir.resolve("rec").resolve(stream + ".flv");
        long size = -1;
        for (int i = 0; i < 50; i++) {
            long now = Files.exists(file) ? Files.size(file) : -1;
            if (now > 0 && now == size) {
                return file;
            }
            size = now;
            Thread.sleep(200);
        }
        throw new IOException("nginx recorded nothing at " + file);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroy(); // SIGTERM: the master stops its workers and closes recordings
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
