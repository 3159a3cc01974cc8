package dev.mcu.app;

import io.netty.util.ResourceLeakDetector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * Starts the MCU and runs until interrupted. On SIGTERM (or Ctrl-C) it drains: no new rooms,
 * calls go on for up to {@code shutdown.graceSeconds}, then everybody is hung up.
 */
@Command(name = "mcu", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A mixing video-conference server: SIP phones dial sip:ROOM@host and see and hear the room.",
        footer = {"", "Every configuration key, with its default and what it does, is documented in mcu-defaults.yaml",
                "inside the jar (print it with: unzip -p mcu-app.jar mcu-defaults.yaml) and in the source at",
                "mcu-app/src/main/resources/mcu-defaults.yaml."})
public final class Main implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(Main.class);
    private static final String LEAK_DETECTION_LEVEL = "io.netty.leakDetection.level";

    @Option(names = {"-c", "--config"}, description = "YAML file overriding the embedded defaults (mcu-defaults.yaml)")
    private Path configFile;

    @Option(names = {"-s", "--set"}, description = "Override one key, e.g. --set sip.port=5070 (repeatable)")
    private List<String> overrides = new ArrayList<>();

    /** The version Maven wrote into the jar when it was built. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"mcu " + buildVersion()};
        }
    }

    static String buildVersion() {
        try (InputStream in = Main.class.getResourceAsStream("/mcu-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * Netty's leak detector, at its default level, records a stack trace (a Throwable) for one buffer
     * in 128 when it is allocated and again when it is released: ~280 a second on the WebRTC event
     * loop with 300 WHEP viewers, each a walk of some 30 frames on the loop that sends the media. The
     * tests run it paranoid (every buffer); the running server turns it off unless the operator
     * asks for it to look for a leak ({@code -Dio.netty.leakDetection.level=simple} or
     * {@code paranoid}). Called on the main thread before any buffer exists.
     */
    static void leakDetectionOffUnlessAsked() {
        if (System.getProperty(LEAK_DETECTION_LEVEL) == null && System.getProperty("io.netty.leakDetectionLevel") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        } else {
            log.info("Netty's buffer leak detection is on at level {} (-D{}): it costs a stack trace per sampled buffer",
                    ResourceLeakDetector.getLevel(), LEAK_DETECTION_LEVEL);
        }
    }

    @Override
    public Integer call() throws Exception {
        McuConfig config;
        try {
            config = McuConfig.load(configFile, overrides);
        } catch (IllegalArgumentException e) {
            System.err.println("mcu: " + e.getMessage());
            return 2;
        }
        leakDetectionOffUnlessAsked();
        List<String> busy = PortCheck.busyPorts(config);
        if (!busy.isEmpty()) {
            System.err.println("mcu: cannot start: " + String.join("; ", busy)
                    + ". Stop what uses them or move them with --set KEY=N.");
            return 1;
        }
        McuServer server;
        try {
            server = new McuServer(config);
        } catch (IOException | IllegalArgumentException e) {   // a port, a file, or media.ioEngine that cannot run here
            System.err.println("mcu: cannot start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Threads.shutdownHook(() -> {
            try {
                server.drain();
                int grace = config.shutdown().graceSeconds();
                log.info("Stopping: {} calls may go on for up to {} s (shutdown.graceSeconds)", server.calls().size(), grace);
                if (!server.awaitCallsEnded(Duration.ofSeconds(grace))) {
                    log.info("Grace period over: hanging up the {} remaining calls", server.calls().size());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                server.close();
                stopped.countDown();
            }
        }));
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
