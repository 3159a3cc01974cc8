package dev.mcu.conference;

import dev.mcu.media.MediaKind;
import dev.mcu.media.VideoReceiveCap;
import dev.mcu.transport.BatchedWrites;
import dev.mcu.transport.MediaTransport;
import dev.mcu.transport.TransportStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The output ladder of one profile (codec and packetization): the canvas encoded once per layer
 * (default 1280x720, 640x360 and 320x180), each receiver on one layer chosen by {@link LayerChoice}
 * from its own reports. A layer runs only while somebody receives it, is moving to it, or (the top
 * layer) egress takes the program from it; otherwise its encoder is closed.
 *
 * <p>A receiver moves at a keyframe of the layer it moves to: the choice asks that layer for one and
 * marks the receiver as switching; each frame, once every layer has encoded, a switching receiver is
 * sent the new layer's frame if it is a keyframe (and is moved), else the old layer's frame as
 * before. So it never gets two layers' frames for one picture, nor a frame it cannot decode; its
 * transport makes the two layers one continuous RTP stream (same SSRC, next sequence number), and
 * both layers carry the same RTP timestamp for a picture.
 *
 * <p>Threads: everything but {@link #finishSwitches} runs on the room's video lane, and {@link #plan}
 * only while no frame is being encoded; {@link #finishSwitches} runs on the encode-pool thread that
 * finished a frame's last encode, and hands back which receivers moved for {@link #switched} on the
 * lane.
 */
final class VideoLadder {
    private static final Logger log = LoggerFactory.getLogger(VideoLadder.class);

    /** One layer's work for one frame: who is sent its packets as soon as it is encoded. */
    record Job(VideoProfile layer, List<MediaTransport> receivers) {
    }

    /** A receiver to be sent the new layer's frame if it is a keyframe, else the old layer's. */
    record Switch(VideoLadder ladder, MediaTransport receiver, VideoProfile from, VideoProfile to) {
    }

    /** What the lane knows of one receiver. */
    private static final class Receiver {
        final String name;
        final LayerChoice choice = new LayerChoice();
        int highest;        // the largest layer its SDP lets it take (0 = top)
        int layer;
        int target = -1;    // the layer it is moving to, or -1
        long bytesSentAtCheck = -1;
        long packetsSentAtCheck = -1;
        long resentAtCheck;
        long checkNanos;

        Receiver(String name, int highest) {
            this.name = name;
            this.highest = highest;
            this.layer = highest;
        }
    }

    private final String room;
    private final VideoProfileKey key;
    private final VideoSettings settings;
    private final List<VideoLayerSpec> specs;
    private final int[] layerKbps;
    private final VideoProfile[] layers;                 // owned: null while a layer does not run
    private final Map<MediaTransport, Receiver> receivers = new LinkedHashMap<>();
    private final Map<MediaTransport, VideoLayerSpec> published;   // the pipeline's any-thread view
    private final Runnable onSwitch;
    private ProgramSink programSink;                     // borrowed: fed by the top layer, or null
    private boolean planChanged = true;                  // receivers, moves or the sink changed since plan()
    private List<Job> plannedJobs = List.of();
    private List<Switch> plannedSwitches = List.of();
    private long droppedLateOneCheckAgo = -1;            // BatchedWrites.droppedLate() at the last check
    private long droppedLateTwoChecksAgo = -1;

    VideoLadder(String room, VideoProfileKey key, VideoSettings settings, Map<MediaTransport, VideoLayerSpec> published,
                Runnable onSwitch) {
        this.room = room;
        this.key = key;
        this.settings = settings;
        this.specs = settings.ladder();
        this.layerKbps = specs.stream().mapToInt(VideoLayerSpec::kbps).toArray();
        this.layers = new VideoProfile[specs.size()];
        this.published = published;
        this.onSwitch = onSwitch;
    }

    VideoProfileKey key() {
        return key;
    }

    /**
     * A new receiver starts, with a keyframe, on the largest layer its cap allows: the top layer
     * unless its SDP said less (then the largest that fits, or the lowest when none does). It never
     * gets a layer above that.
     */
    void addReceiver(MediaTransport transport, String name, VideoReceiveCap cap) {
        planChanged = true;
        int highest = highestFor(cap);
        Receiver r = receivers.get(transport);
        if (r == null) {
            r = new Receiver(name, highest);
            receivers.put(transport, r);
        } else {
            // Its SDP changed (a re-INVITE): a layer above the new cap is left at the next keyframe.
            r.highest = highest;
            if (r.layer < highest) {
                r.target = highest;
                open(highest).requestKeyframe();
            } else if (r.target >= 0 && r.target < highest) {
                r.target = -1;
            }
        }
        if (highest > 0) {
            VideoLayerSpec most = specs.get(highest);
            log.info("Room {}: {}'s SDP allows {} of video ({}), so it gets the {} layer at most{}", room, name, cap,
                    key, most.size(), cap.fits(most.width(), most.height(), most.kbps()) ? ""
                            : " (the lowest layer; its SDP asks for even less)");
        }
        published.put(transport, specs.get(r.layer));
        VideoProfile layer = open(r.layer);
        layer.requestKeyframe();
    }

    /** The index of the largest layer within {@code cap}, else the lowest layer's. */
    int highestFor(VideoReceiveCap cap) {
        for (int i = 0; i < specs.size(); i++) {
            VideoLayerSpec s = specs.get(i);
            if (cap.fits(s.width(), s.height(), s.kbps())) {
                return i;
            }
        }
        return specs.size() - 1;
    }

    void removeReceiver(MediaTransport transport) {
        planChanged = true;
        receivers.remove(transport);
        published.remove(transport);
    }

    boolean hasReceivers() {
        return !receivers.isEmpty();
    }

    boolean feedsProgram() {
        return programSink != null;
    }

    /** The top layer also hands its frames to {@code sink} (null stops). */
    void setProgramSink(ProgramSink sink) {
        planChanged = true;
        programSink = sink;
        if (sink != null) {
            open(0).setProgramSink(sink);
        } else if (layers[0] != null) {
            layers[0].setProgramSink(null);
        }
    }

    /** A receiver lost a picture: the layer it is on (or moving to) makes a keyframe; null asks every layer. */
    void requestKeyframe(MediaTransport transport) {
        Receiver r = transport == null ? null : receivers.get(transport);
        if (r == null) {
            for (VideoProfile layer : layers) {
                if (layer != null) {
                    layer.requestKeyframe();
                }
            }
            return;
        }
        VideoProfile layer = layers[r.target >= 0 ? r.target : r.layer];
        if (layer != null) {
            layer.requestKeyframe();
        }
    }

    /** Once a second: each receiver's layer from its reports; a move starts by asking for a keyframe. */
    void choose(long nowNanos) {
        if (specs.size() == 1) {
            return;
        }
        long droppedLate = BatchedWrites.droppedLate();
        boolean serverDroppedLately = droppedLateTwoChecksAgo >= 0 && droppedLate > droppedLateTwoChecksAgo;
        droppedLateTwoChecksAgo = droppedLateOneCheckAgo;
        droppedLateOneCheckAgo = droppedLate;
        for (Map.Entry<MediaTransport, Receiver> e : receivers.entrySet()) {
            Receiver r = e.getValue();
            TransportStats stats = e.getKey().stats(MediaKind.VIDEO);
            long sentKbps = 0;
            int resent = -1;   // packets it NACKed and we resent, per 256 sent, over the last second
            if (r.bytesSentAtCheck >= 0 && nowNanos > r.checkNanos) {
                sentKbps = (stats.bytesSent() - r.bytesSentAtCheck) * 8_000_000L / (nowNanos - r.checkNanos);
                long packets = stats.packetsSent() - r.packetsSentAtCheck;
                if (packets > 0) {
                    resent = (int) Math.min(256, (stats.retransmitted() - r.resentAtCheck) * 256 / packets);
                }
            }
            r.bytesSentAtCheck = stats.bytesSent();
            r.packetsSentAtCheck = stats.packetsSent();
            r.resentAtCheck = stats.retransmitted();
            r.checkNanos = nowNanos;
            // Chrome's receiver reports count a packet NACKed and resent as received, so a link that drops
            // half of what it is sent can report no loss at all: what it asks us to resend says it.
            // Without any receiver report, no NACK either is no news (-1), not "no loss".
            int reported = stats.remoteFractionLost();
            int loss = reported < 0 && resent <= 0 ? reported : Math.max(reported, resent);
            int next = r.choice.choose(r.layer, r.highest, layerKbps, stats.remoteBitrateEstimateBps(), sentKbps, loss,
                    serverDroppedLately);
            if (log.isDebugEnabled()) {
                log.debug("Room {}: {} on {}{}: estimate {} kbit/s, sent {} kbit/s, loss {}/256 (reported {}, resent {}){}"
                                + " -> {}", room, r.name, specs.get(r.layer).size(),
                        r.target >= 0 ? " (moving to " + specs.get(r.target).size() + ")" : "",
                        stats.remoteBitrateEstimateBps() / 1000, sentKbps, loss, stats.remoteFractionLost(), resent,
                        serverDroppedLately ? " (this server dropped late packets)" : "", specs.get(next).size());
            }
            if (next == r.layer) {
                planChanged |= r.target >= 0;
                r.target = -1;
            } else if (next != r.target) {
                planChanged = true;
                r.target = next;
                log.info("Room {}: moving {} from {} to {} video (estimate {} kbit/s, sent {} kbit/s, loss {}%)", room,
                        r.name, specs.get(r.layer).size(), specs.get(next).size(),
                        stats.remoteBitrateEstimateBps() / 1000, sentKbps, Math.max(0, loss) * 100 / 256);
                open(next).requestKeyframe();
            }
        }
    }

    /**
     * Before a frame is encoded (no encode running): opens the layers somebody needs, closes the
     * others, and lists each layer's settled receivers and the receivers switching.
     */
    void plan(List<Job> jobs, List<Switch> switches) {
        if (!planChanged) {
            jobs.addAll(plannedJobs);
            switches.addAll(plannedSwitches);
            return;
        }
        planChanged = false;
        boolean[] wanted = new boolean[layers.length];
        wanted[0] = programSink != null;
        for (Receiver r : receivers.values()) {
            wanted[r.layer] = true;
            if (r.target >= 0) {
                wanted[r.target] = true;
            }
        }
        for (int i = 0; i < layers.length; i++) {
            if (wanted[i]) {
                open(i);
            } else if (layers[i] != null) {
                layers[i].close();
                layers[i] = null;
                log.info("Room {}: stopped the {} video layer of output {}: nobody receives it", room,
                        specs.get(i).size(), key);
            }
        }
        // Kept until a receiver, a move or the program sink changes: a webinar's 1,000 viewers are not
        // listed again 30 times a second.
        List<List<MediaTransport>> settled = new ArrayList<>(layers.length);
        for (int i = 0; i < layers.length; i++) {
            settled.add(new ArrayList<>());
        }
        List<Switch> moving = new ArrayList<>();
        for (Map.Entry<MediaTransport, Receiver> e : receivers.entrySet()) {
            Receiver r = e.getValue();
            if (r.target >= 0) {
                moving.add(new Switch(this, e.getKey(), layers[r.layer], layers[r.target]));
            } else {
                settled.get(r.layer).add(e.getKey());
            }
        }
        List<Job> planned = new ArrayList<>();
        for (int i = 0; i < layers.length; i++) {
            if (layers[i] != null) {
                planned.add(new Job(layers[i], List.copyOf(settled.get(i))));
            }
        }
        plannedJobs = List.copyOf(planned);
        plannedSwitches = List.copyOf(moving);
        jobs.addAll(plannedJobs);
        switches.addAll(plannedSwitches);
    }

    /**
     * After every layer encoded a frame (the encode-pool thread that finished last): each switching
     * receiver gets the new layer's frame if it is a keyframe, else the old one's.
     *
     * @return the switches that happened
     */
    static List<Switch> finishSwitches(List<Switch> switches) {
        List<Switch> done = new ArrayList<>();
        for (Switch s : switches) {
            boolean move = s.to().lastWasKeyframe();
            List<byte[]> packets = move ? s.to().lastPackets() : s.from().lastPackets();
            for (byte[] packet : packets) {
                s.receiver().sendRtp(MediaKind.VIDEO, packet);
            }
            if (move) {
                done.add(s);
            }
        }
        return done;
    }

    /** Video lane: a receiver that was sent the new layer's keyframe is on that layer from now on. */
    void switched(Switch s) {
        Receiver r = receivers.get(s.receiver());
        if (r == null || r.target < 0 || layers[r.target] != s.to()) {
            return;
        }
        planChanged = true;
        log.info("Room {}: {} now receives the {} video layer", room, r.name, specs.get(r.target).size());
        r.layer = r.target;
        r.target = -1;
        published.put(s.receiver(), specs.get(r.layer));
        onSwitch.run();
    }

    /** Each running layer's current bit rate, by name (the top layer keeps the profile's own name). */
    void bitrates(Map<String, Integer> into) {
        for (int i = 0; i < layers.length; i++) {
            if (layers[i] != null) {
                into.put(i == 0 ? key.toString() : key + " " + specs.get(i).size(), layers[i].bitrateKbps());
            }
        }
    }

    long framesSent() {
        long sent = 0;
        for (VideoProfile layer : layers) {
            if (layer != null) {
                sent += layer.framesSent();
            }
        }
        return sent;
    }

    int runningLayers() {
        int n = 0;
        for (VideoProfile layer : layers) {
            if (layer != null) {
                n++;
            }
        }
        return n;
    }

    /** Closes every layer; only while no encode runs. */
    void close() {
        planChanged = true;
        for (int i = 0; i < layers.length; i++) {
            if (layers[i] != null) {
                layers[i].close();
                layers[i] = null;
            }
        }
        receivers.keySet().forEach(published::remove);
        receivers.clear();
    }

    private VideoProfile open(int index) {
        if (layers[index] == null) {
            VideoLayerSpec spec = specs.get(index);
            if (specs.size() == 1) {
                log.info("Room {}: starting video output {} at {}x{}@{}", room, key, spec.width(), spec.height(),
                        settings.fps());
            } else {
                log.info("Room {}: starting the {} video layer of output {} at {} kbit/s", room, spec.size(), key,
                        spec.kbps());
            }
            // Only the lowest layer lowers its rate to its receivers' estimates: anyone above it whose
            // estimate does not fit is moved down instead of pulling the layer's other receivers down.
            layers[index] = new VideoProfile(key, settings, spec, index == specs.size() - 1);
            if (index == 0 && programSink != null) {
                layers[0].setProgramSink(programSink);
            }
        }
        return layers[index];
    }
}
