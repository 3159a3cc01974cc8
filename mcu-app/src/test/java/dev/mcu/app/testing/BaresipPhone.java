package dev.mcu.app.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real SIP phone nobody on this project wrote (baresip 1.0, run as a child process) for interop
 * tests. It runs headless on loopback from its own config directory: it sends a 440 Hz sine
 * (ausine) and a solid red picture (FFmpeg's lavfi through avformat), dumps the audio it receives
 * to a WAV file (sndfile), can save the video it receives as PNG (snapshot), prints every SIP
 * message it sends and receives to its log ({@code -s}), and takes commands on a TCP control
 * socket (ctrl_tcp). See /work/shared/PEERS.md for the recipe.
 *
 * <p>Threads: used from the test thread only. Owns the process and its config directory's
 * contents; {@link #close()} kills the process by PID (a graceful stop can hang on a half-open
 * call) and waits for it to go.
 */
public final class BaresipPhone implements AutoCloseable {
    public static final double TONE_HZ = 440;
    /** The colour of the picture baresip sends, as FFmpeg's lavfi names it. */
    public static final String PICTURE_COLOUR = "red";
    /** Safety bound given to baresip's {@code -t}: it quits on its own even if the JVM dies. */
    private static final int MAX_LIFETIME_SECONDS = 90;
    /** UDP ports baresip may use for RTP and RTCP: 4 needed (audio and video, RTP + RTCP each). */
    private static final int RTP_PORT_RANGE = 20;
    private static final Path BINARY = Path.of("/usr/bin/baresip");
    /** Makes baresip's stdout line-buffered, so its log can be read while it runs. */
    private static final Path STDBUF = Path.of("/usr/bin/stdbuf");
    private static final List<Path> MODULE_DIRS = List.of(Path.of("/usr/lib/baresip/modules"),
            Path.of("/usr/local/lib/baresip/modules"));
    private static final List<String> MODULES = List.of("ctrl_tcp", "opus", "g711", "ausine", "aufile", "avcodec",
            "vp8", "snapshot", "sndfile", "fakevideo", "avformat");

    /**
     * Where baresip runs: the address it binds SIP, RTP and its control socket to, a command that
     * wraps its own (e.g. {@code ip netns exec NS}), and config lines added at the end.
     */
    public record Placement(String address, List<String> commandPrefix, List<String> extraConfig) {
        public static final Placement LOOPBACK = new Placement("127.0.0.1", List.of(), List.of());
    }

    private final Path dir;
    private final Path log;
    private final String address;
    private final int controlPort;
    private final Process process;     // owned
    private BaresipControl control;    // owned, connected on first use
    private Path keepOutputsIn;        // null: the outputs go with the config directory

    private BaresipPhone(Path dir, Path log, String address, int controlPort, Process process) {
        this.dir = dir;
        this.address = address;
        this.log = log;
        this.controlPort = controlPort;
        this.process = process;
    }

    /** Empty when baresip and every module this class loads are installed, else what is missing. */
    public static Optional<String> whatIsMissing() {
        if (!Files.isExecutable(BINARY)) {
            return Optional.of(BINARY + " is not installed (apt-get install -y baresip-core baresip-ffmpeg)");
        }
        Optional<Path> modules = moduleDir();
        if (modules.isEmpty()) {
            return Optional.of("no baresip module directory among " + MODULE_DIRS);
        }
        for (String module : Stream.concat(MODULES.stream(), Stream.of("uuid", "account", "menu")).toList()) {
            if (!Files.exists(modules.get().resolve(module + ".so"))) {
                return Optional.of("baresip module " + module + ".so is missing from " + modules.get()
                        + " (apt-get install -y baresip-core baresip-ffmpeg)");
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> moduleDir() {
        return MODULE_DIRS.stream().filter(Files::isDirectory).findFirst();
    }

    /**
     * Writes a config into {@code dir} and starts baresip dialling {@code uri} at once.
     *
     * @param videoCodec the one video codec baresip offers, as its account's {@code video_codecs}
     *                   names it: {@code vp8} or {@code h264}
     */
    public static BaresipPhone dial(Path dir, String uri, String videoCodec) throws IOException {
        return dial(dir, uri, videoCodec, Placement.LOOPBACK);
    }

    /** As {@link #dial(Path, String, String)}, run where {@code placement} says. */
    public static BaresipPhone dial(Path dir, String uri, String videoCodec, Placement placement) throws IOException {
        return dial(dir, uri, videoCodec, placement, "");
    }

    /**
     * As {@link #dial(Path, String, String, Placement)}, with more account parameters (e.g.
     * {@code ;mediaenc=srtp-mand} for SDES-SRTP, which also loads baresip's srtp module).
     */
    public static BaresipPhone dial(Path dir, String uri, String videoCodec, Placement placement, String accountParams)
            throws IOException {
        return dial(dir, uri, videoCodec, placement, accountParams, TONE_HZ, PICTURE_COLOUR);
    }

    /**
     * As {@link #dial(Path, String, String)}, sending a tone of {@code toneHz} and a picture of
     * {@code pictureColour} (as FFmpeg's lavfi names colours), for tests with several phones.
     */
    public static BaresipPhone dial(Path dir, String uri, String videoCodec, double toneHz, String pictureColour)
            throws IOException {
        return dial(dir, uri, videoCodec, Placement.LOOPBACK, "", toneHz, pictureColour);
    }

    private static BaresipPhone dial(Path dir, String uri, String videoCodec, Placement placement, String accountParams,
                                     double toneHz, String pictureColour) throws IOException {
        String address = placement.address();
        int sipPort = TestServers.freeSipPort();
        int controlPort = TestServers.freeTcpPort();
        // probed free: baresip gives up on a call when it finds
        // no free port in its range, and other tests and benchmarks here take whole ranges
        int rtpBase = TestServers.freeUdpPorts(RTP_PORT_RANGE);
        List<String> config = new ArrayList<>(List.of(
                "sip_listen " + address + ":" + sipPort,
                "net_interface " + address,
                "audio_source ausine," + (int) toneHz,
                "ausrc_srate 48000",
                "ausrc_channels 2",
                "video_source avformat,lavfi,color=c=" + pictureColour + ":size=320x240:rate=25",
                "video_display fakevideo,nil",
                "rtp_ports " + rtpBase + "-" + (rtpBase + RTP_PORT_RANGE - 1),
                "rtp_stats yes",
                "statmode_default off",
                "module_path " + moduleDir().orElseThrow()));
        for (String module : MODULES) {
            config.add("module " + module + ".so");
        }
        config.addAll(List.of(
                "module_tmp uuid.so",
                "module_tmp account.so",
                "module_app menu.so", // the /dial command
                "ctrl_tcp_listen " + address + ":" + controlPort,
                "snd_path " + dir.toAbsolutePath(),
                "avcodec_h264enc libx264",
                "avcodec_h264dec h264"));
        if (accountParams.contains("mediaenc=srtp")) {
            config.add("module srtp.so");
        }
        config.addAll(placement.extraConfig());
        Files.write(dir.resolve("config"), config, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("accounts"), "<sip:baresip@" + address + ":" + sipPort
                + ">;regint=0;answermode=auto;video_codecs=" + videoCodec + accountParams + "\n");
        Path log = dir.resolve("baresip.log");
        List<String> command = new ArrayList<>(placement.commandPrefix());
        if (Files.isExecutable(STDBUF)) {
            command.addAll(List.of(STDBUF.toString(), "-oL", "-eL"));
        }
        command.addAll(List.of(BINARY.toString(), "-f", dir.toAbsolutePath().toString(), "-s",
                "-t", String.valueOf(MAX_LIFETIME_SECONDS), "-e", "/dial " + uri));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(new File("/dev/null"))
                .start();
        return new BaresipPhone(dir, log, address, controlPort, process);
    }


    public boolean isRunning() {
        return process.isAlive();
    }

    /** Everything baresip printed so far (its SIP trace included), without terminal colour codes. */
    public String log() {
        try {
            return new String(Files.readAllBytes(log), StandardCharsets.UTF_8).replaceAll("\u001B\\[[0-9;]*m", "");
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The SIP messages baresip sent and received so far, from its trace. */
    public BaresipSipTrace sipTrace() {
        return BaresipSipTrace.parse(log());
    }

    /**
     * Asks baresip to save the next video frame it decodes as a PNG at {@code png} (an absolute
     * path under 100 characters). The file appears when that frame arrives.
     */
    public void requestReceivedSnapshot(Path png) throws IOException {
        if (png.toAbsolutePath().toString().length() >= 100) {
            throw new IllegalArgumentException("baresip's snapshot module truncates paths at 99 characters: " + png);
        }
        String response = control().command("snapshot_recv", png.toAbsolutePath().toString());
        if (!response.contains("\"ok\":true")) {
            throw new IOException("baresip refused snapshot_recv: " + response);
        }
    }

    /**
     * Presses keys on baresip's keypad (its menu's {@code sndcode}): baresip 1.0 sends each as an
     * RFC 4733 telephone-event in its audio stream.
     */
    public void pressKeys(String keys) throws IOException {
        for (char key : keys.toCharArray()) {
            String response = control().command("sndcode", String.valueOf(key));
            if (!response.contains("\"ok\":true")) {
                throw new IOException("baresip refused sndcode " + key + ": " + response);
            }
            try {
                Thread.sleep(300); // one digit's telephone-event ends before the next starts
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted between keys", e);
            }
        }
    }

    /** The WAV file sndfile writes what baresip decodes (what its user hears) to, once the call has media. */
    public Optional<Path> receivedAudioDump() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("dump-.*-dec\\.wav")).findFirst();
        }
    }

    private BaresipControl control() throws IOException {
        if (control == null) {
            control = BaresipControl.connect(InetAddress.getByName(address), controlPort, 5_000);
        }
        return control;
    }

    /**
     * Copies baresip's whole log ({@code baresip.log}) and the audio it received
     * ({@code received-audio.wav}) into {@code outDir} on {@link #close()}, for whoever reads a failure.
     */
    public void keepOutputsWhenClosedIn(Path outDir) {
        keepOutputsIn = outDir;
    }

    @Override
    public void close() throws InterruptedException, IOException {
        if (control != null) {
            control.close();
        }
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        if (keepOutputsIn != null) {
            Files.writeString(keepOutputsIn.resolve("baresip.log"), log());
            Optional<Path> audio = receivedAudioDump();
            if (audio.isPresent()) {
                BaresipAudioDump.copyWithSizesFixed(audio.get(), keepOutputsIn.resolve("received-audio.wav"));
            }
        }
    }
}
