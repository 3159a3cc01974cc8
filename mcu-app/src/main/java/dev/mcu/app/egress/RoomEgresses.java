package dev.mcu.app.egress;

import dev.mcu.conference.ProgramSink;
import dev.mcu.conference.Room;
import dev.mcu.egress.Backoff;
import dev.mcu.egress.Egress;
import dev.mcu.egress.EgressHub;
import dev.mcu.egress.EgressKind;
import dev.mcu.egress.EgressListener;
import dev.mcu.egress.EgressStats;
import dev.mcu.egress.EgressTarget;
import dev.mcu.media.EncodedFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The egresses of every room: one {@link EgressHub} per room that runs any, fed by the room's
 * program while at least one output runs (the room stops making an H.264 output just for egress
 * when the last one ends).
 *
 * <p>Threads: {@link #start}, {@link #stop}, {@link #list} and {@link #recording} on HTTP workers; {@link #roomClosed}
 * on whoever closes a room; egress reports arrive on egress threads. State is guarded by this
 * object's lock, never held while an output finishes its file.
 */
public final class RoomEgresses implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RoomEgresses.class);

    /** The request named a room that is not open. */
    public static final class NoSuchRoom extends Exception {
        NoSuchRoom(String room) {
            super("no room named '" + room + "' is open");
        }
    }

    private final Function<String, Optional<Room>> rooms;
    private final Path recordingDir;
    private final Path hlsRoot;
    private final int width;
    private final int height;
    private final EgressListener events;
    private final Map<String, Feed> feeds = new HashMap<>();   // guarded by this; owned: hubs closed here

    /** A room's hub and the room it is attached to; the room's program goes to the hub. */
    private final class Feed implements ProgramSink {
        private final Room room;
        private final EgressHub hub;      // owned: closed when the room closes or the server stops

        Feed(Room room, EgressHub hub) {
            this.room = room;
            this.hub = hub;
        }

        Room room() {
            return room;
        }

        EgressHub hub() {
            return hub;
        }

        @Override
        public void onProgramVideo(EncodedFrame frame) {
            hub.onVideo(frame);
        }

        @Override
        public void onProgramAudio(short[] pcm48kMono) {
            hub.onAudio(pcm48kMono);
        }

        @Override
        public void onProgramEnded() {
            roomClosed(room.name());
        }
    }

    /**
     * @param rooms  finds an open room by name
     * @param events told when an output starts and stops (egress threads)
     */
    public RoomEgresses(Function<String, Optional<Room>> rooms, Path recordingDir, Path hlsRoot, int width, int height,
                        EgressListener events) {
        this.rooms = rooms;
        this.recordingDir = recordingDir;
        this.hlsRoot = hlsRoot;
        this.width = width;
        this.height = height;
        this.events = events;
    }

    public Path hlsRoot() {
        return hlsRoot;
    }

    /**
     * Starts an output of the room's program.
     *
     * @throws NoSuchRoom               the room is not open
     * @throws IllegalArgumentException a bad kind or destination (the message is for the caller)
     * @throws IllegalStateException    the room runs as many outputs as it may
     */
    public synchronized EgressStats start(String roomName, String kind, String url) throws NoSuchRoom {
        EgressTarget target = EgressTarget.of(EgressKind.fromApiName(kind), url, roomName, recordingDir, hlsRoot,
                Clock.systemUTC());
        Room room = rooms.apply(roomName).orElseThrow(() -> new NoSuchRoom(roomName));
        if (target.kind() == EgressKind.HLS) {
            for (EgressStats running : list(roomName)) {
                if (running.kind() == EgressKind.HLS) {
                    throw new IllegalStateException("room " + roomName + " already has an HLS output (" + running.id()
                            + "): it is served at /hls/" + roomName + "/index.m3u8");
                }
            }
        }
        Feed feed = feeds.get(roomName);
        if (feed == null || feed.room() != room) {
            if (feed != null) {
                feed.hub().close(); // the room of that name was closed and opened again
            }
            EgressHub hub = new EgressHub(roomName, width, height, room::requestProgramKeyframe, new Reports(),
                    Backoff.DEFAULT, System::nanoTime);
            feed = new Feed(room, hub);
            feeds.put(roomName, feed);
        }
        Egress egress = feed.hub().start(target);
        room.setProgramSink(feed);
        return egress.stats();
    }

    /** Stops an output; false when the room has none of that id. */
    public synchronized boolean stop(String roomName, String id) {
        Feed feed = feeds.get(roomName);
        return feed != null && feed.hub().stop(id);
    }

    public synchronized List<EgressStats> list(String roomName) {
        Feed feed = feeds.get(roomName);
        return feed == null ? List.of() : feed.hub().list();
    }

    /**
     * Whether a recording of the room is writing its file: what the room's "recording" flag and its
     * {@code egress.started}/{@code egress.stopped} events of kind record say (HTTP workers).
     */
    public boolean recording(String roomName) {
        return list(roomName).stream().anyMatch(e -> e.kind() == EgressKind.RECORD
                && (e.state() == Egress.State.RUNNING || e.state() == Egress.State.RECONNECTING));
    }

    /** The room closed: its outputs finish their files and end (on a thread of their own). */
    public void roomClosed(String roomName) {
        Feed feed;
        synchronized (this) {
            feed = feeds.remove(roomName);
        }
        if (feed != null) {
            log.info("Room {} closed: its egresses finish their files and stop", roomName);
        }
        if (feed != null) {
            Thread closer = new Thread(feed.hub()::close, "egress-" + roomName + "-close");
            closer.setDaemon(true);
            closer.start();
        }
    }

    /** Ends every output, waiting for each to finish its file. */
    @Override
    public void close() {
        List<Feed> all;
        synchronized (this) {
            all = List.copyOf(feeds.values());
            feeds.clear();
        }
        for (Feed feed : all) {
            feed.room().setProgramSink(null);
            feed.hub().close();
        }
    }

    /** Passes reports on, and detaches a room's program once its last output ended. */
    private final class Reports implements EgressListener {
        @Override
        public void onStarted(String room, EgressStats stats) {
            events.onStarted(room, stats);
        }

        @Override
        public void onStopped(String room, EgressStats stats, String reason) {
            Feed idle = null;
            synchronized (RoomEgresses.this) {
                Feed feed = feeds.get(room);
                if (feed != null && !feed.hub().active()) {
                    feeds.remove(room);
                    feed.room().setProgramSink(null);
                    idle = feed;
                    log.info("Room {}: no egress left; the program is no longer muxed", room);
                }
            }
            if (idle != null) {
                idle.hub().close(); // frees the AAC encoder; no output is left to wait for
            }
            events.onStopped(room, stats, reason);
        }
    }
}
