package dev.mcu.bench.load;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.nio.file.Path;

/**
 * What one scenario measured over its window. Rates are per receiving participant; loss compares
 * RTP sequence numbers with packets received; latency is talker-burst-sent to mix-packet-received
 * (it includes the server's jitter buffer and playout delay, the 20 ms mix tick and the Opus
 * encode/decode: the "added latency" a participant hears).
 */
record ScenarioResult(Scenario scenario, double measuredSeconds, double joinSeconds, int joinFailures,
                      double serverCpuSeconds, double benchCpuSeconds, double serverPeakRssMiB,
                      double audioPpsMean, double audioPpsP5, double audioLossPercent,
                      double videoFpsMean, double videoFpsP5, double videoKbpsMean, double videoLossPercent,
                      List<Double> latencies, long burstsSent, double loudestBurst, String error,
                      Map<String, Double> threadCpu, Path recording, LatenessHook.Lateness lateness,
                      Map<String, Double> stageCpu, VideoLatencyProbe.Result videoLatency) {

    /**
     * The same with the per-thread CPU (cpu-s per media-s by thread name), the kept video, the
     * audio-round lateness, and the CPU by stage from a JFR profile (null without PROFILE=1).
     */
    ScenarioResult with(Map<String, Double> threads, Path kept, LatenessHook.Lateness late, Map<String, Double> stages) {
        return new ScenarioResult(scenario, measuredSeconds, joinSeconds, joinFailures, serverCpuSeconds, benchCpuSeconds,
                serverPeakRssMiB, audioPpsMean, audioPpsP5, audioLossPercent, videoFpsMean, videoFpsP5, videoKbpsMean,
                videoLossPercent, latencies, burstsSent, loudestBurst, error, threads, kept, late, stages, videoLatency);
    }

    /** The same with the video latency and A/V skew probe's result (null: not measured). */
    ScenarioResult withVideoLatency(VideoLatencyProbe.Result probe) {
        return new ScenarioResult(scenario, measuredSeconds, joinSeconds, joinFailures, serverCpuSeconds, benchCpuSeconds,
                serverPeakRssMiB, audioPpsMean, audioPpsP5, audioLossPercent, videoFpsMean, videoFpsP5, videoKbpsMean,
                videoLossPercent, latencies, burstsSent, loudestBurst, error, threadCpu, recording, lateness, stageCpu, probe);
    }

    double serverCpuPerMediaSecond() {
        return serverCpuSeconds / measuredSeconds;
    }

    /** Every receiver got at least 95% of the audio packets (and video frames) a real-time server sends. */
    boolean realTime() {
        boolean audio = audioPpsP5 >= 0.95 * 50;
        boolean video = !scenario.receivesVideo() || videoFpsP5 >= 0.95 * 30;
        return error == null && audio && video;
    }

    double latencyPercentile(double p) {
        if (latencies.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        int index = (int) Math.min(sorted.size() - 1, Math.max(0, Math.ceil(p / 100 * sorted.size()) - 1));
        return sorted.get(index);
    }

    static ScenarioResult failed(Scenario scenario, String error) {
        return new ScenarioResult(scenario, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, List.of(), 0, 0, error, Map.of(), null,
                null, null, null);
    }

    static String f(double value, int decimals) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
