package dev.mcu.bench.load;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The MCU server as a separate process ({@code java -jar mcu-app.jar --set ...}), so that its CPU
 * time can be read alone from {@code /proc/<pid>/stat}. Its output goes to a log file; its pid to
 * a pid file the run script uses to kill it should this JVM die without running its hooks.
 *
 * <p>Threads: the main thread. Owns the process: {@link #close()} (also run by a shutdown hook)
 * ends it with SIGTERM, then SIGKILL after 5 s.
 */
final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final int sipPort;
    private final Path pidFile;
    private final Thread killer;

    private ServerProcess(Process process, int sipPort, Path pidFile) {
        this.process = process;
        this.sipPort = sipPort;
        this.pidFile = pidFile;
        this.killer = new Thread(() -> process.destroyForcibly(), "kill-mcu-server");
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /** Starts the server and waits (at most 60 s) until it answers SIP OPTIONS. */
    static ServerProcess start(Path jar, Path workDir, String scenario, List<String> overrides)
            throws IOException, InterruptedException {
        return start(jar, workDir, scenario, overrides, List.of());
    }

    /** As {@link #start(Path, Path, String, List)}, with options for the server's JVM (before -jar). */
    static ServerProcess start(Path jar, Path workDir, String scenario, List<String> overrides, List<String> jvmArgs)
            throws IOException, InterruptedException {
        int sipPort = freeSipPort();
        List<String> command = new ArrayList<>(openFilesFor(overrides));
        command.add(ProcessHandle.current().info().command().orElse("java"));
        String extraJvmArgs = System.getenv("MCU_SERVER_JVM_ARGS");
        if (extraJvmArgs != null && !extraJvmArgs.isBlank()) {
            command.addAll(List.of(extraJvmArgs.trim().split("\\s+")));
        }
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(jar.toString());
        List<String> sets = new ArrayList<>(List.of(
                "sip.port=" + sipPort,
                "media.portMin=21000",
                "media.portMax=29999",
                "rooms.maxCalls=1100",
                // only SIP over UDP is used: the browser-facing ports stay off (fixed ports clash on a shared machine)
                "sip.wsPort=0", "sip.wssPort=0", "sip.tlsPort=0", "http.port=0", "http.httpsPort=0", "webrtc.port=0",
                "rooms.maxParticipants=1100",
                "sip.floodLimitPerSecond=0", // every simulated phone calls from 127.0.0.1, as through a proxy
                // ffmpeg's canvas carries no names: with them, SSIM and PSNR would measure the labels, not the pipeline
                "video.showNames=false"));
        sets.addAll(overrides);
        // Extra keys for the server, e.g. MCU_SERVER_SETS="http.port=18080 admin.token=..." (the
        // control-plane cost measurement scrapes /metrics and reads /api/v1/events beside the load).
        String extraSets = System.getenv("MCU_SERVER_SETS");
        if (extraSets != null && !extraSets.isBlank()) {
            sets.addAll(List.of(extraSets.trim().split("\\s+")));
        }
        for (String set : sets) {
            command.add("--set");
            command.add(set);
        }
        Files.createDirectories(workDir);
        Path log = workDir.resolve("load-server-" + scenario + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        Path pidFile = workDir.resolve("load-server.pid");
        Files.writeString(pidFile, Long.toString(process.pid()));
        ServerProcess server = new ServerProcess(process, sipPort, pidFile);
        try (RawSipUac probe = new RawSipUac(sipPort)) {
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline) {
                if (!process.isAlive()) {
                    throw new IOException("the MCU server exited with " + process.exitValue() + "; see " + log);
                }
                if (probe.ping(500)) {
                    return server;
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        server.close();
        throw new IOException("the MCU server did not answer OPTIONS within 60 s; see " + log);
    }

    /**
     * {@code prlimit --nofile=N:N --} when the scenario's calls could need more sockets than this
     * process's open-file limit lets the server have (a SIP call with video holds 4: RTP and RTCP for
     * audio and for video; an audio-only one 2), and prlimit may raise it here; else nothing, and the
     * server warns at start how many calls it can take.
     */
    private static List<String> openFilesFor(List<String> overrides) {
        int calls = 1100;
        for (String set : overrides) {
            if (set.startsWith("rooms.maxCalls=")) {
                calls = Integer.parseInt(set.substring("rooms.maxCalls=".length()).trim());
            }
        }
        long needed = 4L * calls + 2048;
        if (needed <= openFileLimit()) {
            return List.of();
        }
        List<String> prlimit = List.of("prlimit", "--nofile=" + needed + ":" + needed, "--");
        try {
            List<String> probe = new ArrayList<>(prlimit);
            probe.add("true");
            Process p = new ProcessBuilder(probe).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return prlimit;
            }
        } catch (IOException e) {
            // no prlimit here
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.out.printf("[load] the server may open only %d files, %d calls with video would need about %d (audio-only"
                + " calls half), and prlimit cannot raise it here (no CAP_SYS_RESOURCE): past it calls get 503%n",
                openFileLimit(), calls, needed);
        return List.of();
    }

    /** This process's (so the server's, which inherits it) soft open-file limit; Long.MAX_VALUE when unknown. */
    private static long openFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return Long.MAX_VALUE;
    }

    /** Files the server has open now (its sockets included), -1 when unknown. */
    long openFiles() {
        try (var fds = Files.list(Path.of("/proc/" + process.pid() + "/fd"))) {
            return fds.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    int sipPort() {
        return sipPort;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** CPU seconds (user + system, all threads) the server has used so far. */
    double cpuSeconds() throws IOException {
        return cpuSecondsOf(process.pid());
    }

    static double cpuSecondsOf(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14, 15)
        return ticks / (double) Ticks.PER_SECOND;
    }

    /**
     * CPU seconds so far of each of the server's threads, summed by thread name with the numbers
     * taken out ({@code decode-3} counts as {@code decode-#}), from /proc/<pid>/task/<tid>/stat.
     * A thread that ended between two readings is missing from the later one.
     */
    java.util.Map<String, Double> threadCpuSeconds() {
        java.util.Map<String, Double> byName = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + process.pid() + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    byName.merge(name.replaceAll("[0-9]+", "#"), ticks / (double) Ticks.PER_SECOND, Double::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended while we read
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
        return byName;
    }

    /** Peak resident memory of the server so far, in MiB (VmHWM). */
    double peakRssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process is gone
        }
        return -1;
    }

    /** A port free for both UDP and TCP on loopback now (the server's SIP, HTTP or WebRTC port). */
    static int freeSipPort() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, loopback)) {
                int port = tcp.getLocalPort();
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, port))) {
                    return port;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new IOException("no port free for both UDP and TCP");
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            Files.deleteIfExists(pidFile);
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IOException | IllegalStateException e) {
            // already shutting down, or the file is gone
        }
    }

    /** Kernel clock ticks per second ({@code getconf CLK_TCK}), for /proc CPU times. */
    static final class Ticks {
        static final long PER_SECOND = read();

        private static long read() {
            try {
                Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes()).trim();
                p.waitFor(5, TimeUnit.SECONDS);
                return Long.parseLong(out);
            } catch (IOException | InterruptedException | NumberFormatException e) {
                return 100;
            }
        }
    }
}
