package dev.mcu.app.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Several MCU nodes behind Kamailio, each in its own network namespace, as an operator would run
 * them on separate machines: a namespace {@code <prefix>-sip} holds a bridge (198.19.77.1/24),
 * Redis and Kamailio from deploy/; each node ({@code <prefix>-n1}, 198.19.77.11, ...) and the
 * phones' namespace ({@code <prefix>-ph}, 198.19.77.9) hang on the bridge by a veth pair. Nothing
 * touches the machine's own network namespace. Servers run from this test's class path with
 * {@code ip netns exec}; phones are baresip, commands inside a namespace (curl, redis-cli) too.
 *
 * <p>Threads: the test thread only. Owns every process it started and the namespaces; {@link #close}
 * ends the processes by PID, then deletes the namespaces.
 */
final class ClusterLab implements AutoCloseable {
    static final String SUBNET = "198.19.77.";
    static final String PROXY = SUBNET + "1";
    static final String PHONES = SUBNET + "9";
    static final String FANOUT = SUBNET + "20";
    static final String ADMIN_TOKEN = "cluster-lab-admin-token-0123456789";
    private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();

    private final String prefix = "mcuso-" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
    private final Path dir;
    private final List<String> namespaces = new ArrayList<>();
    private final Map<Integer, Process> nodes = new LinkedHashMap<>();
    private final List<Process> others = new ArrayList<>();
    private Process redis;
    private Process kamailio;
    private int phones;

    ClusterLab(Path dir) {
        this.dir = dir;
    }

    /** Empty when this machine can run the lab (root, ip netns, the packages), else why not. */
    static Optional<String> whatIsMissing() {
        for (String binary : List.of("/usr/sbin/kamailio", "/usr/bin/redis-server", "/usr/bin/redis-cli", "/usr/bin/baresip",
                "/usr/bin/curl", "/usr/bin/stdbuf", "/usr/sbin/nginx", "/usr/lib/nginx/modules/ngx_rtmp_module.so",
                "/usr/bin/ffmpeg", "/usr/bin/janus", "/usr/bin/chromium")) {
            if (!Files.exists(Path.of(binary))) {
                return Optional.of(binary + " is not installed (.ci/run installs it)");
            }
        }
        for (String module : List.of("ndb_redis.so", "dispatcher.so")) {
            if (!Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/kamailio/modules", module))) {
                return Optional.of("Kamailio's " + module + " is missing (apt-get install -y kamailio kamailio-redis-modules)");
            }
        }
        try {
            String probe = "mcuso-probe-" + ProcessHandle.current().pid();
            Result made = run(List.of("ip", "netns", "add", probe));
            run(List.of("ip", "netns", "del", probe));
            if (made.code != 0) {
                return Optional.of("cannot make network namespaces here (needs root and CAP_SYS_ADMIN): " + made.output.trim());
            }
        } catch (IOException e) {
            return Optional.of("cannot run ip: " + e.getMessage());
        }
        return Optional.empty();
    }

    /** The namespaces and links; then Redis and Kamailio (with the dispatcher list of {@code nodeCount} nodes). */
    void start(int nodeCount) throws IOException, InterruptedException {
        String hub = ns("sip");
        addNamespace(hub);
        must("ip", "-n", hub, "link", "add", "br0", "type", "bridge");
        must("ip", "-n", hub, "link", "set", "br0", "up");
        must("ip", "-n", hub, "addr", "add", PROXY + "/24", "dev", "br0");
        attach("ph", PHONES);
        for (int n = 1; n <= nodeCount; n++) {
            attach("n" + n, nodeAddress(n));
        }
        redis = spawn(hub, "redis.log", null, List.of("redis-server", DEPLOY.resolve("redis/redis.conf").toString(),
                "--bind", PROXY, "--dir", dir.toString()));
        List<String> list = new ArrayList<>();
        for (int n = 1; n <= nodeCount; n++) {
            list.add("1 " + nodeUri(n));
        }
        Files.write(dir.resolve("dispatcher.list"), list);
        awaitTrue(() -> redisCli("PING").equals("PONG"), 10_000, "Redis did not answer; see " + dir.resolve("redis.log"));
        startKamailio();
    }

    /** (Re)starts Kamailio with deploy/kamailio/kamailio.cfg; its log goes on in kamailio.log. */
    void startKamailio() throws IOException {
        Path runDir = Files.createDirectories(dir.resolve("kamailio-run"));
        Map<String, String> env = Map.of("MCU_LISTEN", "udp:" + PROXY + ":5060",
                "MCU_REDIS", "name=registry;addr=" + PROXY + ";port=6379",
                "MCU_DISPATCHER_LIST", dir.resolve("dispatcher.list").toString());
        kamailio = spawn(ns("sip"), "kamailio.log", env, List.of("kamailio", "-f",
                DEPLOY.resolve("kamailio/kamailio.cfg").toString(), "-Y", runDir.toString(), "-DD", "-E"));
    }

    /** Stops Redis (SIGTERM, by PID), as a registry outage. */
    void stopRedis() throws InterruptedException {
        stop(redis);
    }

    /** Stops Kamailio (SIGTERM, by PID) and waits for it. */
    void stopKamailio() throws InterruptedException {
        stop(kamailio);
    }

    /** Starts node {@code n} from this JVM's class path; it is up when it is in the registry's ready set. */
    void startNode(int n) throws IOException {
        Path work = Files.createDirectories(dir.resolve("n" + n));
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx384m", "-XX:+UseSerialGC", "-cp", classPath(), "dev.mcu.app.Main"));
        for (String set : List.of("sip.address=" + nodeAddress(n), "http.port=8080", "http.httpsPort=0", "sip.wsPort=0",
                "sip.wssPort=0", "sip.tlsPort=0", "webrtc.port=0", "admin.token=" + ADMIN_TOKEN,
                "sip.floodLimitPerSecond=0", // every call comes from the proxy
                "video.width=320", "video.height=180", "video.fps=10", "media.portMin=30000", "media.portMax=30999",
                "cluster.redisUri=redis://" + PROXY + ":6379", "cluster.nodeUri=" + nodeUri(n), "shutdown.graceSeconds=0")) {
            command.add("--set");
            command.add(set);
        }
        nodes.put(n, spawn(ns("n" + n), "n" + n + "/server.log", null, command));
    }

    /**
     * A fan-out node (deploy/nginx/fanout.conf: nginx-rtmp taking RTMP pushes from the nodes and
     * serving them as HLS) in its own namespace at {@link #FANOUT}.
     */
    void startFanout() throws IOException, InterruptedException {
        attach("fo", FANOUT);
        Path home = Files.createDirectories(dir.resolve("fanout"));
        Files.createDirectories(home.resolve("hls"));
        String conf = Files.readString(DEPLOY.resolve("nginx/fanout.conf"))
                .replace("FANOUT_ADDRESS", FANOUT).replace("HLS_DIR", home.toString())
                .replace("PUBLISHERS", SUBNET + "0/24").replace("JANUS_DIR", DEPLOY.resolve("janus").toString());
        Files.writeString(home.resolve("nginx.conf"), conf);
        spawn(ns("fo"), "fanout/nginx.log", null, List.of("nginx", "-c", home.resolve("nginx.conf").toString(),
                "-p", home.toString()));
        spawn(ns("fo"), "fanout/janus.log", null, List.of("janus", "-C", DEPLOY.resolve("janus/janus.jcfg").toString(),
                "-F", DEPLOY.resolve("janus").toString()));
        awaitTrue(() -> run(List.of("ip", "netns", "exec", ns("ph"), "curl", "-s", "-o", "/dev/null", "-m", "1",
                "http://" + FANOUT + ":8080/hls/")).code == 0, 10_000, "nginx on the fan-out node did not answer; see "
                + home.resolve("error.log"));
    }

    /**
     * Plays {@code url} from the phones' namespace with ffmpeg for {@code seconds} and returns its
     * report (stderr), e.g. the {@code frame=} count of the video it decoded.
     */
    String watch(String url, int seconds) throws IOException {
        return run(List.of("ip", "netns", "exec", ns("ph"), "timeout", Integer.toString(seconds + 15), "ffmpeg",
                "-hide_banner", "-stats", "-loglevel", "info", "-i", url, "-t", Integer.toString(seconds), "-map", "0",
                "-f", "null", "-")).output;
    }

    /**
     * Opens {@code url} in headless Chromium in the phones' namespace for {@code seconds} and
     * returns what the page logged to its console.
     */
    String browse(String url, int seconds) throws IOException {
        Path profile = Files.createDirectories(dir.resolve("chromium-" + System.nanoTime()));
        return run(List.of("ip", "netns", "exec", ns("ph"), "timeout", Integer.toString(seconds), "chromium", "--headless",
                "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required",
                "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", url), seconds + 10).output;
    }

    /** GET {@code url} from the phones' namespace; its HTTP status, 0 when nothing answered. */
    int httpStatus(String url) throws IOException {
        Result result = run(List.of("ip", "netns", "exec", ns("ph"), "curl", "-s", "-o", "/dev/null", "-m", "2",
                "-w", "%{http_code}", url));
        return result.output.matches("[0-9]{3}") ? Integer.parseInt(result.output) : 0;
    }

    /** POST {@code body} (JSON) to node {@code n}'s API with the admin token; the answer's body. */
    String apiPost(int n, String path, String body) throws IOException {
        return run(List.of("ip", "netns", "exec", ns("n" + n), "curl", "-s", "-m", "5", "-X", "POST",
                "-H", "Authorization: Bearer " + ADMIN_TOKEN, "-H", "Content-Type: application/json", "-d", body,
                "http://" + nodeAddress(n) + ":8080" + path)).output;
    }

    /** Kills node {@code n} at once (SIGKILL, by PID), as a crashed machine would go. */
    void killNode(int n) throws InterruptedException {
        Process node = nodes.get(n);
        node.destroyForcibly();
        node.waitFor(10, TimeUnit.SECONDS);
    }

    boolean nodeAlive(int n) {
        return nodes.containsKey(n) && nodes.get(n).isAlive();
    }

    Path nodeLog(int n) {
        return dir.resolve("n" + n + "/server.log");
    }

    static String nodeAddress(int n) {
        return SUBNET + (10 + n);
    }

    static String nodeUri(int n) {
        return "sip:" + nodeAddress(n) + ":5060";
    }

    /** A baresip phone in the phones' namespace dialling {@code room} at the proxy (audio only: a 440 Hz tone). */
    Phone dial(String room) throws IOException {
        int index = ++phones;
        Path home = Files.createDirectories(dir.resolve("phone-" + index));
        int sipPort = 5100 + 2 * index;
        int rtpBase = 20000 + 20 * index;
        Files.write(home.resolve("config"), List.of(
                "sip_listen " + PHONES + ":" + sipPort,
                "net_interface " + PHONES,
                "audio_player alsa,null",
                "audio_source ausine,440",
                "ausrc_srate 48000",
                "ausrc_channels 2",
                "rtp_ports " + rtpBase + "-" + (rtpBase + 19),
                "statmode_default off",
                "module_path /usr/lib/baresip/modules",
                "module g711.so",
                "module opus.so",
                "module ausine.so",
                "module_tmp uuid.so",
                "module_tmp account.so",
                "module_app menu.so"), StandardCharsets.UTF_8);
        Files.writeString(home.resolve("accounts"), "<sip:phone" + index + "@" + PHONES + ":" + sipPort
                + ">;regint=0;answermode=auto\n");
        Process process = spawn(ns("ph"), "phone-" + index + "/baresip.log", null, List.of("stdbuf", "-oL", "-eL",
                "baresip", "-f", home.toString(), "-t", "120", "-e", "/dial sip:" + room + "@" + PROXY + ":5060"));
        return new Phone(process, home.resolve("baresip.log"));
    }

    /** A running baresip; its log tells whether the call is up. */
    record Phone(Process process, Path log) {
        String output() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8).replaceAll("\u001B\\[[0-9;]*m", "");
            } catch (IOException e) {
                return "";
            }
        }

        boolean established() {
            return output().contains("Call established");
        }

        /** baresip said the call ended or failed (e.g. 408 from the proxy while a dead node was still thought alive). */
        boolean ended() {
            String out = output();
            return out.contains("session closed") || out.contains("Call failed") || out.contains("call closed")
                    || !process.isAlive();
        }

        void hangUp() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** GET {@code path} on node {@code n}'s API with the admin token, from inside its namespace; "" when it does not answer. */
    String api(int n, String method, String path) {
        try {
            Result result = run(List.of("ip", "netns", "exec", ns("n" + n), "curl", "-s", "-m", "2", "-X", method,
                    "-H", "Authorization: Bearer " + ADMIN_TOKEN, "http://" + nodeAddress(n) + ":8080" + path));
            return result.code == 0 ? result.output : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** A redis-cli command against the registry, its output trimmed; "" on failure. */
    String redisCli(String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns("sip"), "redis-cli", "-h", PROXY));
        command.addAll(List.of(args));
        try {
            Result result = run(command);
            return result.code == 0 ? result.output.trim() : "";
        } catch (IOException e) {
            return "";
        }
    }

    String kamailioLog() {
        try {
            return Files.readString(dir.resolve("kamailio.log"));
        } catch (IOException e) {
            return "";
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void awaitTrue(Check check, long millis, String whatFailed) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (true) {
            try {
                if (check.ok()) {
                    return;
                }
            } catch (Exception e) {
                // not yet
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(whatFailed);
            }
            Thread.sleep(100);
        }
    }

    private String ns(String name) {
        return prefix + "-" + name;
    }

    private void addNamespace(String name) throws IOException {
        must("ip", "netns", "add", name);
        namespaces.add(name);
        must("ip", "-n", name, "link", "set", "lo", "up");
    }

    /** A namespace on the bridge: veth {@code eth0} inside with {@code address}, its peer on br0 in the hub. */
    private void attach(String name, String address) throws IOException {
        String inside = ns(name);
        addNamespace(inside);
        must("ip", "link", "add", "eth0", "netns", inside, "type", "veth", "peer", "name", "v-" + name, "netns", ns("sip"));
        must("ip", "-n", inside, "addr", "add", address + "/24", "dev", "eth0");
        must("ip", "-n", inside, "link", "set", "eth0", "up");
        must("ip", "-n", ns("sip"), "link", "set", "v-" + name, "master", "br0");
        must("ip", "-n", ns("sip"), "link", "set", "v-" + name, "up");
    }

    private Process spawn(String namespace, String logName, Map<String, String> env, List<String> command) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(logName).toFile()))
                .redirectInput(new File("/dev/null"));
        Path log = dir.resolve(logName);
        if (log.getParent() != null) {
            Files.createDirectories(log.getParent());
            builder.directory(log.getParent().toFile());
        }
        if (env != null) {
            builder.environment().putAll(env);
        }
        Process process = builder.start();
        others.add(process);
        return process;
    }

    /** The test class path: surefire's real one (java.class.path may be its manifest-only booter jar, which works too). */
    private static String classPath() {
        String path = System.getProperty("surefire.test.class.path");
        return path != null && !path.isBlank() ? path : System.getProperty("java.class.path");
    }

    private void must(String... command) throws IOException {
        Result result = run(List.of(command));
        if (result.code != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + result.output.trim());
        }
    }

    private record Result(int code, String output) {
    }

    private static Result run(List<String> command) throws IOException {
        return run(command, 10);
    }

    private static Result run(List<String> command, int timeoutSeconds) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, output);
            }
            return new Result(process.exitValue(), output);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    /** Whatever still runs in one of this lab's namespaces was started by it (e.g. a Kamailio child): end it by PID. */
    private static void killLeftovers(String namespace) {
        try {
            for (String pid : run(List.of("ip", "netns", "pids", namespace)).output.split("\\s+")) {
                if (pid.matches("[0-9]+")) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        } catch (IOException e) {
            // the namespace is gone
        }
    }

    private static void stop(Process process) throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop(kamailio); // SIGTERM: its main process ends its children
        List<Process> all = new ArrayList<>(others);
        java.util.Collections.reverse(all);
        for (Process process : all) {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
        for (Process process : all) {
            process.waitFor(5, TimeUnit.SECONDS);
        }
        java.util.Collections.reverse(namespaces);
        for (String namespace : namespaces) {
            killLeftovers(namespace);
            try {
                run(List.of("ip", "netns", "del", namespace));
            } catch (IOException e) {
                // already gone
            }
        }
    }
}
