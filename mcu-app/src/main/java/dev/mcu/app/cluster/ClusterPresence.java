package dev.mcu.app.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.ConnectionFuture;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * This node's entry in the cluster registry that the SIP proxy reads (Redis; deploy/kamailio has
 * the proxy's side, docs/design.md "Several nodes" the why). Every second, and at once when a room
 * opens or closes, a participant comes or goes, or a drain begins, it writes:
 * <ul>
 * <li>{@code mcu:node:<uri>}: a hash of rooms, participants, cpu, load and ready, expiring after
 *     {@code ttl} (a dead node ages out);</li>
 * <li>{@code mcu:nodes:ready}: a sorted set of ready nodes scored by load (the proxy takes the
 *     lowest); a draining node removes itself, and members whose node entry expired are pruned;</li>
 * <li>{@code mcu:room:<room>} → its URI for every room it holds, with the same expiry, deleted
 *     when the room closes. A room claimed by another live node is left to it (logged).</li>
 * </ul>
 * Nothing here blocks a caller: commands are asynchronous, and while Redis is unreachable the node
 * goes on serving its calls (the proxy stops sending it new rooms once its entry expires).
 *
 * <p>Threads: {@link #refresh} runs on the control timer (one thread); {@link #refreshSoon} may be
 * called from any thread; {@link #close} on the thread that stops the server, after the timer stopped.
 */
public final class ClusterPresence implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterPresence.class);
    public static final String NODE_KEY = "mcu:node:";
    public static final String READY_SET = "mcu:nodes:ready";
    public static final String ROOM_KEY = "mcu:room:";
    /** Claims a room for this node unless another node whose entry is alive holds it; returns the holder. */
    private static final String CLAIM_ROOM = """
            local holder = redis.call('GET', KEYS[1])
            if holder and holder ~= ARGV[1] and redis.call('EXISTS', ARGV[3] .. holder) == 1 then return holder end
            redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2]))
            return ARGV[1]""";
    /** Deletes a room's claim only if it is still this node's. */
    private static final String RELEASE_ROOM = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0""";
    /** Drops ready-set members whose node entry expired (a node that died without saying so). */
    private static final String PRUNE_DEAD = """
            local removed = 0
            for _, node in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
              if redis.call('EXISTS', ARGV[1] .. node) == 0 then redis.call('ZREM', KEYS[1], node); removed = removed + 1 end
            end
            return removed""";

    /**
     * What the node reports.
     *
     * @param cpu the process's share of all cores over the last moment, 0..1
     */
    public record NodeLoad(List<String> rooms, int participants, double cpu, boolean ready) {
        /** The ready set's score: lower takes the next room. A CPU fully busy weighs like ten participants. */
        public double score() {
            return participants + rooms.size() + 10 * cpu;
        }
    }

    private final RedisClient client;                   // owned
    private final RedisURI redisUri;
    private final String nodeUri;
    private final long ttlSeconds;
    private final Supplier<NodeLoad> load;
    private final ScheduledExecutorService timer;
    private final Set<String> claimed = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean refreshQueued = new AtomicBoolean();
    private volatile StatefulRedisConnection<String, String> connection; // owned, null until connected
    private ConnectionFuture<StatefulRedisConnection<String, String>> connecting; // timer thread only
    private volatile boolean unreachable;               // logged once per outage

    /**
     * Starts refreshing at once and then every second on {@code timer}.
     *
     * @param resources the Redis client's threads (from dev.mcu.app.Threads)
     */
    public ClusterPresence(String redisUri, String nodeUri, int ttlSeconds, Supplier<NodeLoad> load,
                           ClientResources resources, ScheduledExecutorService timer) {
        this.redisUri = RedisURI.create(redisUri);
        this.redisUri.setTimeout(Duration.ofSeconds(1));
        this.nodeUri = nodeUri;
        this.ttlSeconds = ttlSeconds;
        this.load = load;
        this.timer = timer;
        this.client = RedisClient.create(resources, this.redisUri);
        client.setOptions(ClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
        timer.scheduleWithFixedDelay(this::refresh, 0, 1, TimeUnit.SECONDS);
        log.info("Cluster: this node is {} in the registry at {} (entries expire after {} s without a refresh)",
                nodeUri, redactedUri(), ttlSeconds);
    }

    /** Asks for a refresh on the timer thread soon (a room opened or closed, a drain began). Any thread. */
    public void refreshSoon() {
        if (refreshQueued.compareAndSet(false, true)) {
            try {
                timer.execute(() -> {
                    refreshQueued.set(false);
                    refresh();
                });
            } catch (RejectedExecutionException stopping) {
                refreshQueued.set(false);
            }
        }
    }

    /** Publishes this node's load and claims its rooms. Timer thread. */
    void refresh() {
        try {
            RedisAsyncCommands<String, String> redis = connected();
            if (redis == null) {
                return;
            }
            NodeLoad now = load.get();
            String nodeKey = NODE_KEY + nodeUri;
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("rooms", Integer.toString(now.rooms().size()));
            entry.put("participants", Integer.toString(now.participants()));
            entry.put("cpu", String.format(Locale.ROOT, "%.3f", now.cpu()));
            entry.put("load", String.format(Locale.ROOT, "%.3f", now.score()));
            entry.put("ready", now.ready() ? "1" : "0");
            entry.put("updatedMillis", Long.toString(System.currentTimeMillis()));
            watch(redis.hset(nodeKey, entry));
            watch(redis.expire(nodeKey, ttlSeconds));
            if (now.ready()) {
                watch(redis.zadd(READY_SET, now.score(), nodeUri));
            } else {
                watch(redis.zrem(READY_SET, nodeUri));
            }
            Set<String> gone = new HashSet<>(claimed);
            for (String room : now.rooms()) {
                gone.remove(room);
                claimed.add(room);
                CompletionStage<String> holder = redis.eval(CLAIM_ROOM, ScriptOutputType.VALUE,
                        new String[] {ROOM_KEY + room}, nodeUri, Long.toString(ttlSeconds), NODE_KEY);
                watch(holder.thenAccept(h -> {
                    if (!nodeUri.equals(h)) {
                        log.warn("Room {} is open here and on {} too (its callers were split, e.g. while the registry was "
                                + "unreachable); new callers go to {}", room, h, h);
                    }
                }));
            }
            for (String room : gone) {
                claimed.remove(room);
                watch(redis.eval(RELEASE_ROOM, ScriptOutputType.INTEGER, new String[] {ROOM_KEY + room}, nodeUri));
            }
            watch(redis.eval(PRUNE_DEAD, ScriptOutputType.INTEGER, new String[] {READY_SET}, NODE_KEY));
        } catch (RuntimeException e) {
            log.warn("Cluster: could not refresh this node's registry entry (a bug; the next second tries again)", e);
        }
    }

    /** The connection's commands, or null while connecting (started here; no wait). Timer thread. */
    private RedisAsyncCommands<String, String> connected() {
        if (connection != null) {
            return connection.async();
        }
        if (connecting == null) {
            connecting = client.connectAsync(StringCodec.UTF8, redisUri);
            return null;
        }
        if (!connecting.isDone()) {
            return null;
        }
        try {
            connection = connecting.toCompletableFuture().getNow(null);
            connecting = null;
        } catch (RuntimeException e) {
            connecting = null;
            down(e.getCause() != null ? e.getCause() : e);
            return null;
        }
        if (unreachable) {
            unreachable = false;
            log.info("Cluster: the registry at {} is reachable again", redactedUri());
        }
        return connection == null ? null : connection.async();
    }

    private void watch(CompletionStage<?> command) {
        command.whenComplete((ok, failure) -> {
            if (failure != null) {
                down(failure);
            } else if (unreachable) {
                unreachable = false;
                log.info("Cluster: the registry at {} is reachable again", redactedUri());
            }
        });
    }

    private void down(Throwable cause) {
        if (!unreachable) {
            unreachable = true;
            log.warn("Cluster: cannot reach the registry at {} ({}): calls here go on, but the proxy sends this node "
                    + "no new rooms once its entry expires; check that Redis runs there (cluster.redisUri)",
                    redactedUri(), cause.getMessage());
        }
    }

    private String redactedUri() {
        return redisUri.getHost() + ":" + redisUri.getPort();
    }

    /** The process's share of all cores just now, 0..1 (0 where the JVM cannot tell). */
    public static double processCpuLoad() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuLoad());
        }
        return 0;
    }

    /**
     * Leaves the registry at once (ready set, node entry, the rooms still claimed) rather than
     * waiting for the entries to expire, then closes the client. Call after the timer stopped.
     */
    @Override
    public void close() {
        StatefulRedisConnection<String, String> open = connection;
        if (open != null) {
            try {
                var redis = open.sync();
                redis.zrem(READY_SET, nodeUri);
                redis.del(NODE_KEY + nodeUri);
                for (String room : claimed) {
                    redis.eval(RELEASE_ROOM, ScriptOutputType.INTEGER, new String[] {ROOM_KEY + room}, nodeUri);
                }
            } catch (RuntimeException e) {
                log.info("Cluster: left the registry without cleaning up ({}); this node's entries expire in {} s",
                        e.getMessage(), ttlSeconds);
            }
            open.close();
        } else if (connecting != null) {
            connecting.toCompletableFuture().thenAccept(StatefulRedisConnection::close);
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
}
