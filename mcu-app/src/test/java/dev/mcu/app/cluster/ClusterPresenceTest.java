package dev.mcu.app.cluster;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A node's registry entries in a real Redis (Debian's redis-server on loopback), as Kamailio reads
 * them: the node's hash and its place in the ready set, its rooms' claims, a drain, a room that
 * another live node holds, a dead node's leftovers, and a clean leave.
 */
class ClusterPresenceTest {
    private static final String ME = "sip:10.0.0.11:5060";
    private static final String OTHER = "sip:10.0.0.12:5060";

    private Process redisServer;
    private RedisClient testClient;
    private StatefulRedisConnection<String, String> testConnection;
    private RedisCommands<String, String> redis;
    private ClientResources resources;
    private ScheduledExecutorService timer;
    private String redisUri;

    @BeforeEach
    void startRedis(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/redis-server")),
                "redis-server is not installed (apt-get install -y redis-server; .ci/run installs it)");
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        redisServer = new ProcessBuilder("redis-server", "--bind", "127.0.0.1", "--port", Integer.toString(port),
                "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile())
                .redirectInput(new File("/dev/null")).start();
        redisUri = "redis://127.0.0.1:" + port;
        testClient = RedisClient.create(redisUri);
        long deadline = System.currentTimeMillis() + 10_000;
        while (testConnection == null) {
            try {
                testConnection = testClient.connect();
            } catch (RuntimeException notYet) {
                if (System.currentTimeMillis() > deadline || !redisServer.isAlive()) {
                    throw new IOException("redis-server did not start; see " + dir.resolve("redis.log"), notYet);
                }
                Thread.sleep(50);
            }
        }
        redis = testConnection.sync();
        resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
        timer = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (timer != null) {
            timer.shutdownNow();
        }
        if (testConnection != null) {
            testConnection.close();
        }
        if (testClient != null) {
            testClient.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
        if (resources != null) {
            resources.shutdown(0, 1, TimeUnit.SECONDS);
        }
        if (redisServer != null) {
            redisServer.destroyForcibly();
            redisServer.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aNodePublishesItsLoadClaimsItsRoomsLeavesTheReadySetWhenDrainingAndCleansUpOnClose() throws Exception {
        AtomicReference<ClusterPresence.NodeLoad> load = new AtomicReference<>(
                new ClusterPresence.NodeLoad(List.of("board"), 3, 0.5, true));
        ClusterPresence presence = new ClusterPresence(redisUri, ME, 3, load::get, resources, timer);

        await(() -> ME.equals(redis.get("mcu:room:board")), "the open room was not claimed");
        assertEquals("1", redis.hget("mcu:node:" + ME, "ready"));
        assertEquals("3", redis.hget("mcu:node:" + ME, "participants"));
        assertEquals("1", redis.hget("mcu:node:" + ME, "rooms"));
        assertEquals(3 + 1 + 5, redis.zscore("mcu:nodes:ready", ME), 1e-9, "participants + rooms + 10 x CPU");
        assertTrue(redis.ttl("mcu:node:" + ME) <= 3 && redis.ttl("mcu:room:board") <= 3, "entries expire when not refreshed");

        // The room closes, a drain begins: the claim goes and the node leaves the ready set at once.
        load.set(new ClusterPresence.NodeLoad(List.of(), 0, 0, false));
        presence.refreshSoon();
        await(() -> redis.get("mcu:room:board") == null && redis.zscore("mcu:nodes:ready", ME) == null,
                "the closed room's claim or the draining node's ready entry stayed");
        assertEquals("0", redis.hget("mcu:node:" + ME, "ready"), "a draining node still reports itself");

        load.set(new ClusterPresence.NodeLoad(List.of("board"), 1, 0, true));
        presence.refreshSoon();
        await(() -> ME.equals(redis.get("mcu:room:board")), "the room was not claimed again");
        timer.shutdown();
        timer.awaitTermination(5, TimeUnit.SECONDS);
        presence.close();
        assertEquals(null, redis.get("mcu:room:board"));
        assertEquals(0L, redis.exists("mcu:node:" + ME));
        assertEquals(null, redis.zscore("mcu:nodes:ready", ME));
    }

    @Test
    void aRoomAnotherLiveNodeHoldsIsLeftToItAndADeadNodesLeftoversGo() throws Exception {
        redis.hset("mcu:node:" + OTHER, "ready", "1");
        redis.set("mcu:room:shared", OTHER);
        redis.zadd("mcu:nodes:ready", 0, "sip:10.0.0.99:5060"); // died without leaving: its hash expired
        redis.set("mcu:room:orphan", "sip:10.0.0.99:5060");
        ClusterPresence presence = new ClusterPresence(redisUri, ME, 3, () -> new ClusterPresence.NodeLoad(
                List.of("shared", "orphan"), 2, 0, true), resources, timer);
        await(() -> ME.equals(redis.get("mcu:room:orphan")), "the dead node's room was not taken over");
        await(() -> redis.zscore("mcu:nodes:ready", "sip:10.0.0.99:5060") == null, "the dead node stayed in the ready set");
        assertEquals(OTHER, redis.get("mcu:room:shared"), "a room another live node holds stays with it");
        presence.close();
        assertEquals(OTHER, redis.get("mcu:room:shared"), "leaving releases only this node's claims");
    }

    @Test
    void anUnreachableRegistryCostsNothingButALogLine() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        AtomicReference<Integer> asked = new AtomicReference<>(0);
        ClusterPresence presence = new ClusterPresence("redis://127.0.0.1:" + closedPort, ME, 3, () -> {
            asked.set(asked.get() + 1);
            return new ClusterPresence.NodeLoad(List.of(), 0, 0, true);
        }, resources, timer);
        Thread.sleep(2_500);
        presence.refreshSoon();
        presence.close(); // returns although it never connected
        assertEquals(0, asked.get(), "nothing is computed for a registry that is not there");
    }

    private static void await(BooleanSupplier condition, String whatFailed) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(whatFailed);
            }
            Thread.sleep(20);
        }
    }
}
