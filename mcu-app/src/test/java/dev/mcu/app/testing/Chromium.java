package dev.mcu.app.testing;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Headless Debian Chromium driven by chromedriver, with a fake camera and microphone, for the web
 * app's end-to-end tests; takes screenshots at a given window size. Owns its profile directory.
 * Called from the test thread only.
 */
public final class Chromium implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/chromium");
    public static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private final Path profile;
    private final Path wrapper;
    private final ChromeDriver driver;
    private int width;
    private int height;

    /** Camera and microphone allowed (fake devices). */
    public static Chromium withFakeDevices() throws IOException {
        return new Chromium(List.of("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"));
    }

    /** Several fake cameras (and microphones), to switch between. */
    public static Chromium withFakeDevices(int count) throws IOException {
        return new Chromium(List.of("--use-fake-device-for-media-stream=device-count=" + count, "--use-fake-ui-for-media-stream"));
    }

    /** A fake camera showing a Y4M clip and a fake microphone playing a WAV file (both looped). */
    public static Chromium withFakeFiles(Path cameraClip, Path microphoneWav) throws IOException {
        return new Chromium(List.of("--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                "--use-file-for-fake-video-capture=" + cameraClip, "--use-file-for-fake-audio-capture=" + microphoneWav));
    }

    /** Fake devices present, but the user answers the permission prompt with "Block". */
    public static Chromium withDevicesBlocked() throws IOException {
        return new Chromium(List.of("--use-fake-device-for-media-stream", "--deny-permission-prompts"));
    }

    /**
     * Chromium started inside {@code namespace} (its network is the namespace's; no fake devices: a
     * viewer). chromedriver stays on this host and drives it over a pipe
     * ({@code --remote-debugging-pipe}), since it cannot reach the namespace's loopback.
     */
    public static Chromium inNamespace(NetworkNamespace namespace) throws IOException {
        Path wrapper = Files.createTempFile("chromium-in-namespace", ".sh");
        Files.writeString(wrapper, "#!/bin/sh\nexec " + String.join(" ", namespace.command(List.of(BINARY.toString())))
                + " \"$@\"\n");
        if (!wrapper.toFile().setExecutable(true)) {
            throw new IOException("cannot make " + wrapper + " executable");
        }
        return new Chromium(wrapper, List.of("--remote-debugging-pipe"));
    }

    public static boolean installed() {
        return Files.isExecutable(BINARY) && Files.isExecutable(DRIVER);
    }

    private Chromium(List<String> mediaFlags) throws IOException {
        this(null, mediaFlags);
    }

    /** @param wrapper a script that starts Chromium (owned: deleted on close), or null for {@link #BINARY} */
    private Chromium(Path wrapper, List<String> mediaFlags) throws IOException {
        this.wrapper = wrapper;
        profile = Files.createTempDirectory("chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary((wrapper == null ? BINARY : wrapper).toFile());
        List<String> args = new ArrayList<>(List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--allow-loopback-in-peer-connection", "--autoplay-policy=no-user-gesture-required",
                "--hide-scrollbars", "--font-render-hinting=none", "--user-data-dir=" + profile));
        args.addAll(mediaFlags);
        options.addArguments(args);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** The page's viewport is exactly this size (a phone size also gets a phone's touch and viewport rules). */
    public void windowSize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of(
                "width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 600));
        this.width = width;
        this.height = height;
    }

    /** Saves a PNG of the page as it is now, as DIR/NAME-WIDTHxHEIGHT.png. */
    public Path screenshot(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(name + "-" + width + "x" + height + ".png");
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        return file;
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            if (wrapper != null) {
                Files.deleteIfExists(wrapper);
            }
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }
}
