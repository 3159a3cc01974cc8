package dev.mcu.bench.load;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one {@link Scenario}: a fresh server process, every participant dialled in (INVITEs in
 * parallel, bounded), a warm-up, then a measured window of server CPU and what receivers got;
 * finally BYE for every call and the server stopped — on every path out.
 *
 * <p>Threads: the main thread, plus a small pool for the INVITEs and BYEs.
 */
final class ScenarioRunner {
    /** INVITEs in flight at once (JOIN_PARALLEL): fewer joins a big room more gently on a busy machine. */
    private static final int SIGNALLING_THREADS = Integer.parseInt(System.getenv().getOrDefault("JOIN_PARALLEL", "16"));
    /** How long before the window the warm-up's one PLI goes out (see {@link #warmUp}). */
    static final int PLI_REHEARSAL_SECONDS = 30;
    /** All joins must be done by then (JOIN_LIMIT_SECONDS), or the scenario fails as "joins stalled". */
    private static final int JOIN_LIMIT_SECONDS = Integer.parseInt(System.getenv().getOrDefault("JOIN_LIMIT_SECONDS", "150"));

    private final Path jar;
    private final Path workDir;
    private final int warmupSeconds;
    private final int measureSeconds;
    private final List<MediaLibrary.VideoLoop> videoLoops;
    private final List<MediaLibrary.AudioLoop> tones;
    private final MediaLibrary.AudioLoop burstCycle;
    private final MediaLibrary.AudioLoop silence;

    ScenarioRunner(Path jar, Path workDir, int warmupSeconds, int measureSeconds,
                   List<MediaLibrary.VideoLoop> videoLoops, List<MediaLibrary.AudioLoop> tones,
                   MediaLibrary.AudioLoop burstCycle, MediaLibrary.AudioLoop silence) {
        this.jar = jar;
        this.workDir = workDir;
        this.warmupSeconds = warmupSeconds;
        this.measureSeconds = measureSeconds;
        this.videoLoops = videoLoops;
        this.tones = tones;
        this.burstCycle = burstCycle;
        this.silence = silence;
    }

    ScenarioResult run(Scenario scenario) throws Exception {
        List<LoadParticipant> people = new ArrayList<>();
        List<RawSipUac.Call> calls = Collections.synchronizedList(new ArrayList<>());
        ExecutorService signalling = Executors.newFixedThreadPool(SIGNALLING_THREADS);
        log("%s: starting the server", scenario.name());
        List<String> settings = new ArrayList<>(scenario.serverSettings());
        int httpPort = scenario.whep() ? ServerProcess.freeSipPort() : 0;
        if (scenario.whep()) {
            settings.addAll(List.of("http.port=" + httpPort, "webrtc.port=" + ServerProcess.freeSipPort()));
        }
        try (ServerProcess server = ServerProcess.start(jar, workDir, scenario.name(), settings);
             RawSipUac uac = new RawSipUac(server.sipPort());
             MediaPump pump = new MediaPump()) {
            try {
                for (int i = 0; i < scenario.calls(); i++) {
                    people.add(participant(scenario, i, pump));
                }
                long joinStart = System.nanoTime();
                AtomicInteger failures = new AtomicInteger();
                AtomicInteger whepUp = new AtomicInteger();
                String[] firstFailure = {null};
                List<Future<?>> joins = new ArrayList<>();
                for (LoadParticipant p : people) {
                    if (p.whep != null && p == people.get(scenario.speakers())) {
                        // WHEP joins a room somebody is in: the speakers first
                        for (Future<?> speaker : joins) {
                            speaker.get(JOIN_LIMIT_SECONDS, TimeUnit.SECONDS);
                        }
                    }
                    joins.add(signalling.submit(() -> {
                        try {
                            if (p.whep != null) {
                                String answer = p.whep.post(httpPort, scenario.name(), p.name);
                                p.start(answer);
                                p.whep.connect(p.audio, answer, java.time.Duration.ofSeconds(20));
                                pump.add(p);
                                whepUp.incrementAndGet();
                                return null;
                            }
                            String dialled = scenario.webinar() && !p.sendsNothing()
                                    ? scenario.name() + "*" + Scenario.SPEAKER_PIN : scenario.name();
                            RawSipUac.Call call = uac.invite(dialled, p.name, p.offer());
                            calls.add(call);
                            p.start(call.answerSdp);
                            pump.add(p);
                        } catch (Exception e) {
                            if (failures.getAndIncrement() == 0) {
                                firstFailure[0] = p.name + ": " + e.getMessage();
                            }
                        }
                        return null;
                    }));
                }
                // one deadline for all joins: a room that stops admitting people fails the scenario in bounded time
                long joinDeadline = System.nanoTime() + JOIN_LIMIT_SECONDS * 1_000_000_000L;
                for (Future<?> join : joins) {
                    try {
                        join.get(Math.max(1, joinDeadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    } catch (java.util.concurrent.TimeoutException e) {
                        joins.forEach(j -> j.cancel(true));
                        return ScenarioResult.failed(scenario, "joins stalled: " + calls.size() + " of "
                                + scenario.calls() + " calls up after " + JOIN_LIMIT_SECONDS + " s");
                    }
                }
                double joinSeconds = (System.nanoTime() - joinStart) / 1e9;
                log("%s: %d calls%s up in %.1f s (%d failed%s); warming up %d s", scenario.name(), calls.size(),
                        scenario.whep() ? " and " + whepUp.get() + " WHEP viewers" : "", joinSeconds, failures.get(), firstFailure[0] == null ? "" : ", first: " + firstFailure[0],
                        warmupSeconds);
                if (calls.isEmpty() && whepUp.get() == 0) {
                    return ScenarioResult.failed(scenario, "no call was established: " + firstFailure[0]);
                }
                warmUp(people, warmupSeconds);
                pump.clearLatencies();
                for (LoadParticipant p : people) {
                    if (p.recorder != null) {
                        p.recorder.arm();
                    }
                }
                long benchPid = ProcessHandle.current().pid();
                Map<String, Double> threads0 = server.threadCpuSeconds();
                boolean profile = "1".equals(System.getenv("PROFILE"));
                if (profile) {
                    StageProfile.start(server.pid());
                }
                log("%s: the server has %d files open", scenario.name(), server.openFiles());
                java.util.Map<String, Long> udp0 = UdpDrops.kernel();
                List<LoadParticipant.Snapshot[]> before = snapshots(people);
                double cpu0 = server.cpuSeconds();
                double benchCpu0 = ServerProcess.cpuSecondsOf(benchPid);
                LatenessHook.Mark lateness = LatenessHook.mark(workDir, scenario.name());
                long t0 = System.nanoTime();
                log("%s: measuring %d s", scenario.name(), measureSeconds);
                long end = t0 + measureSeconds * 1_000_000_000L;
                while (System.nanoTime() < end) {
                    if (!server.isAlive()) {
                        return ScenarioResult.failed(scenario, "the server died during the measurement");
                    }
                    Thread.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                }
                double cpu1 = server.cpuSeconds();
                Map<String, Double> threads1 = server.threadCpuSeconds();
                double benchCpu1 = ServerProcess.cpuSecondsOf(benchPid);
                double seconds = (System.nanoTime() - t0) / 1e9;
                List<LoadParticipant.Snapshot[]> after = snapshots(people);
                people.stream().filter(p -> p.whep != null && p.latencyProbe).forEach(p ->
                        log("%s: the probe WHEP viewer's SRTP: %s", scenario.name(), p.whep.decryptionSummary()));
                log("%s: %s; the kernel's UDP drops in the window (whole machine): %s; bench send errors %d",
                        scenario.name(), UdpDrops.silentReceivers(people, before, after),
                        UdpDrops.since(udp0, UdpDrops.kernel()), pump.sendErrors());
                Map<String, Double> threads = new java.util.TreeMap<>();
                threads1.forEach((name, cpu) -> threads.put(name, (cpu - threads0.getOrDefault(name, 0.0)) / seconds));
                Path recording = saveRecording(scenario, people);
                VideoLatencyProbe.Result videoLatency = videoLatency(scenario, people, pump);
                Map<String, Double> stages = null;
                if (profile) {
                    try {
                        stages = StageProfile.split(StageProfile.stop(server.pid(),
                                workDir.resolve("server-" + scenario.name() + ".jfr")), threads);
                    } catch (java.io.IOException e) {
                        log("%s: no per-stage profile: %s", scenario.name(), e.getMessage());
                    }
                }
                return summarise(scenario, people, before, after, seconds, joinSeconds, failures.get(),
                        cpu1 - cpu0, benchCpu1 - benchCpu0, server.peakRssMiB(), pump)
                        .with(threads, recording, LatenessHook.read(lateness), stages).withVideoLatency(videoLatency);
            } finally {
                hangUp(calls, signalling);
                pump.close();
                for (LoadParticipant p : people) {
                    p.close();
                }
            }
        } finally {
            signalling.shutdownNow();
        }
    }

    /**
     * Waits out the warm-up. {@link #PLI_REHEARSAL_SECONDS} before its end the recorders ask for a
     * keyframe once, as {@link VideoRecorder#arm} will when the window starts: the first PLI a server
     * gets sends its RTCP read and its encoder down paths nothing took before, and the JIT's
     * recompiling them (three deoptimizations and their recompilations, seen with
     * {@code -XX:+LogCompilation}) would land in the measurement. A room that has run for a while has
     * had PLIs (every join asks for one).
     */
    private static void warmUp(List<LoadParticipant> people, int warmupSeconds) throws InterruptedException {
        long rehearsal = rehearsesPli(warmupSeconds) ? warmupSeconds - PLI_REHEARSAL_SECONDS : 0;
        if (rehearsal > 0) {
            Thread.sleep(rehearsal * 1000L);
            for (LoadParticipant p : people) {
                if (p.recorder != null) {
                    p.recorder.requestKeyframe();
                }
            }
        }
        Thread.sleep((warmupSeconds - rehearsal) * 1000L);
    }

    /** Whether a warm-up this long has the PLI of {@link #warmUp} (room enough before it for the calls to settle). */
    static boolean rehearsesPli(int warmupSeconds) {
        return warmupSeconds > 2 * PLI_REHEARSAL_SECONDS;
    }

    private LoadParticipant participant(Scenario scenario, int i, MediaPump pump) throws java.io.IOException {
        return switch (scenario.kind()) {
            case VIDEO -> new LoadParticipant("video" + i, LoadParticipant.Role.VIDEO,
                    i == 0 ? burstCycle : tones.get(i % tones.size()), videoLoops.get(i % videoLoops.size()),
                    i == 0, i == 1, false);
            case LISTEN, WEBINAR -> i < scenario.speakers()
                    ? new LoadParticipant("talker" + (i == 0 ? "" : i), LoadParticipant.Role.TALKER,
                    i == 0 ? burstCycle : tones.get(i % tones.size()), null, i == 0, false, false)
                    : new LoadParticipant("listener" + i, LoadParticipant.Role.LISTENER, null, null, false,
                    i == scenario.speakers(), false, i == scenario.speakers() ? 0 : pump.sharedListenerPort(i));
            case WEBINAR_WHEP -> i < scenario.speakers()
                    ? new LoadParticipant("speaker" + i, LoadParticipant.Role.VIDEO, i == 0 ? burstCycle : tones.get(i % tones.size()),
                    videoLoops.get(i % videoLoops.size()), i == 0, false, false)
                    : new LoadParticipant("whep" + i, LoadParticipant.Role.WHEP_VIEWER, null, null, false,
                    i == scenario.speakers(), false);
            case WEBINAR_VIDEO -> i < scenario.speakers()
                    ? new LoadParticipant("speaker" + i, LoadParticipant.Role.VIDEO, i == 0 ? burstCycle : tones.get(i % tones.size()),
                    videoLoops.get(i % videoLoops.size()), i == 0, false, false)
                    : new LoadParticipant("viewer" + i, LoadParticipant.Role.VIEWER, null, null, false,
                    i == scenario.speakers(), false);
            case TALK -> new LoadParticipant("member" + i, LoadParticipant.Role.TALKER,
                    i == 0 ? burstCycle : i < Scenario.TALKERS ? tones.get(i % tones.size()) : silence, null,
                    i == 0, i == 1, true);
        };
    }

    /** The video the quality probe received, as Annex B in the work folder; null when there is none. */
    private Path saveRecording(Scenario scenario, List<LoadParticipant> people) {
        for (LoadParticipant p : people) {
            if (p.recorder != null && p.recorder.frames() > 0) {
                try {
                    Path file = workDir.resolve("received-" + scenario.name() + ".h264");
                    int frames = p.recorder.writeAnnexB(file);
                    log("%s: kept %d received frames in %s for the quality measurement", scenario.name(), frames, file);
                    return frames > 0 ? file : null;
                } catch (java.io.IOException | RuntimeException e) {
                    log("%s: could not keep the received video: %s", scenario.name(), e);
                }
            }
        }
        return null;
    }

    /** Participant 0's flashes as participant 1 saw them in the grid (null in other layouts or without video). */
    private static VideoLatencyProbe.Result videoLatency(Scenario scenario, List<LoadParticipant> people, MediaPump pump) {
        if (!scenario.video() || !"grid".equals(scenario.layout())) {
            return null;
        }
        for (LoadParticipant p : people) {
            if (p.recorder != null && p.recorder.frames() > 0) {
                try {
                    VideoLatencyProbe.Result r = VideoLatencyProbe.measure(p.recorder, pump.flashesSent(), pump.burstsHeard(),
                            scenario.participants());
                    log("%s: video latency %s", scenario.name(), r == null ? "not measured (participant 0's tile not found)"
                            : r.videoMillis() + " ms, A/V skew " + r.skewMillis() + " ms");
                    return r;
                } catch (RuntimeException e) {
                    log("%s: no video latency: %s", scenario.name(), e);
                }
            }
        }
        return null;
    }

    private static List<LoadParticipant.Snapshot[]> snapshots(List<LoadParticipant> people) {
        List<LoadParticipant.Snapshot[]> out = new ArrayList<>();
        for (LoadParticipant p : people) {
            out.add(new LoadParticipant.Snapshot[]{p.audioIn.snapshot(), p.videoIn.snapshot()});
        }
        return out;
    }

    private static ScenarioResult summarise(Scenario scenario, List<LoadParticipant> people,
                                            List<LoadParticipant.Snapshot[]> before,
                                            List<LoadParticipant.Snapshot[]> after, double seconds,
                                            double joinSeconds, int joinFailures, double serverCpu,
                                            double benchCpu, double rss, MediaPump pump) {
        List<Double> audioPps = new ArrayList<>();
        List<Double> videoFps = new ArrayList<>();
        double videoKbps = 0;
        long audioLost = 0;
        long audioGot = 0;
        long videoLost = 0;
        long videoGot = 0;
        for (int i = 0; i < people.size(); i++) {
            LoadParticipant p = people.get(i);
            if (!p.started) {
                continue;
            }
            LoadParticipant.Snapshot a0 = before.get(i)[0];
            LoadParticipant.Snapshot a1 = after.get(i)[0];
            audioPps.add((a1.packets() - a0.packets()) / seconds);
            audioLost += a1.lostSince(a0);
            audioGot += a1.packets() - a0.packets();
            if (p.video != null || p.whep != null) {
                LoadParticipant.Snapshot v0 = before.get(i)[1];
                LoadParticipant.Snapshot v1 = after.get(i)[1];
                videoFps.add((v1.frames() - v0.frames()) / seconds);
                videoKbps += (v1.bytes() - v0.bytes()) * 8 / 1000.0 / seconds;
                videoLost += v1.lostSince(v0);
                videoGot += v1.packets() - v0.packets();
            }
        }
        return new ScenarioResult(scenario, seconds, joinSeconds, joinFailures, serverCpu, benchCpu, rss,
                mean(audioPps), percentile(audioPps, 5), percent(audioLost, audioGot),
                mean(videoFps), percentile(videoFps, 5), videoFps.isEmpty() ? 0 : videoKbps / videoFps.size(),
                percent(videoLost, videoGot), pump.latenciesMillis(), pump.burstsSent(), pump.loudestBurstHeard(), null,
                Map.of(), null, null, null, null);
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    private static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return 0;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p / 100 * sorted.length))];
    }

    private static double percent(long lost, long got) {
        return lost + got == 0 ? 0 : 100.0 * lost / (lost + got);
    }

    /** BYE for every call, in parallel, each bounded; what does not answer is ended by killing the server. */
    private static void hangUp(List<RawSipUac.Call> calls, ExecutorService signalling) {
        List<Future<?>> byes = new ArrayList<>();
        synchronized (calls) {
            for (RawSipUac.Call call : calls) {
                byes.add(signalling.submit(() -> call.bye(3000)));
            }
        }
        long deadline = System.currentTimeMillis() + 60_000;
        for (Future<?> bye : byes) {
            try {
                bye.get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // a BYE without answer: the server is stopped next anyway
            }
        }
    }

    static void log(String format, Object... args) {
        System.out.printf("[load] " + format + "%n", args);
        System.out.flush();
    }
}
