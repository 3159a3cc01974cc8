package dev.mcu.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mcu.conference.VideoLayerSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class McuConfigTest {
    @Test
    void theEmbeddedDefaultsDescribeAWorkingServer() {
        McuConfig config = McuConfig.defaults();
        assertEquals(5060, config.sip().port());
        assertEquals(1280, config.video().width());
        assertEquals(720, config.video().height());
        assertEquals(30, config.video().fps());
        assertTrue(config.rooms().autoCreate());
        assertFalse(config.media().allowSdpAddressesOutsideSignallingHost());
    }

    @Test
    void aUserFileOverridesOnlyTheKeysItNamesAndTheCommandLineWinsOverIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mcu.yaml");
        Files.writeString(file, "sip:\n  port: 5070\nrooms:\n  list: [{name: board, pin: 1234}]\n");
        McuConfig config = McuConfig.load(file, List.of("sip.port=5080", "video.fps=25"));
        assertEquals(5080, config.sip().port());
        assertEquals(25, config.video().fps());
        assertEquals("127.0.0.1", config.sip().address());
        assertEquals(List.of(new McuConfig.RoomSpec("board", "1234")), config.rooms().list());
    }

    @Test
    void aMistypedKeyIsRefusedWithItsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> McuConfig.load(null, List.of("sip.prot=5070")));
        assertTrue(e.getMessage().contains("sip.prot"), e.getMessage());
    }

    @Test
    void aSingleNodeNeedsNoClusterKeysAndAClusterNodeIsNamedByItsSipAddress() {
        McuConfig single = McuConfig.defaults();
        assertFalse(single.cluster().enabled());
        McuConfig node = McuConfig.load(null, List.of("cluster.redisUri=redis://10.0.0.5:6379", "sip.address=10.0.0.11",
                "sip.port=5070"));
        assertTrue(node.cluster().enabled());
        assertEquals("sip:10.0.0.11:5070", node.clusterNodeUri());
        IllegalArgumentException wrongScheme = assertThrows(IllegalArgumentException.class,
                () -> McuConfig.load(null, List.of("cluster.redisUri=10.0.0.5:6379")));
        assertTrue(wrongScheme.getMessage().contains("redis://HOST:PORT"), wrongScheme.getMessage());
        IllegalArgumentException withUser = assertThrows(IllegalArgumentException.class,
                () -> McuConfig.load(null, List.of("cluster.nodeUri=sip:room@10.0.0.11")));
        assertTrue(withUser.getMessage().contains("cluster.nodeUri"), withUser.getMessage());
    }

    @Test
    void theMediaIoEngineIsAutoByDefaultTakesAnyCaseAndRefusesOthersNamingTheChoices() {
        assertEquals("auto", McuConfig.defaults().media().ioEngine());
        assertEquals("EPOLL", McuConfig.load(null, List.of("media.ioEngine=EPOLL")).media().ioEngine());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> McuConfig.load(null, List.of("media.ioEngine=uring")));
        assertEquals("invalid configuration: media.ioEngine must be auto, io_uring, epoll or nio, got 'uring'", e.getMessage());
    }

    @Test
    void anImpossibleValueIsRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> McuConfig.load(null, List.of("video.width=641")));
        assertTrue(e.getMessage().contains("even"), e.getMessage());
    }

    @Test
    void theOutputLadderIsTheCanvasThenTheSmallerConfiguredLayers() {
        assertEquals(List.of(new VideoLayerSpec(1280, 720, 1500), new VideoLayerSpec(640, 360, 500),
                new VideoLayerSpec(320, 180, 150)), McuConfig.defaults().video().ladder());
        assertEquals(List.of(new VideoLayerSpec(1280, 720, 1500)),
                McuConfig.load(null, List.of("video.layers=[]")).video().ladder(), "[]: one layer, the canvas");
        assertEquals(List.of(new VideoLayerSpec(640, 360, 800), new VideoLayerSpec(320, 180, 150)),
                McuConfig.load(null, List.of("video.width=640", "video.height=360", "video.bitrateKbps=800"))
                        .video().ladder(), "a smaller canvas is the top layer at video.bitrateKbps; bigger entries are skipped");
    }

    @Test
    void aBadLadderEntryIsRefusedWithWhatAnEntryTakes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> McuConfig.load(null, List.of("video.layers=[{width: 640, height: 360}]")));
        assertTrue(e.getMessage().contains("width, height and kbps"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> McuConfig.load(null, List.of("video.layers=[{width: 641, height: 360, kbps: 500}]")));
        assertTrue(e.getMessage().contains("even"), e.getMessage());
    }

    @Test
    void aCustomLayoutIsReadFromAJsonFileInCanvasUnits(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("layout.json");
        Files.writeString(file, "{\"tiles\": [{\"x\": 0, \"y\": 0, \"width\": 0.75, \"height\": 1},"
                + " {\"x\": 0.75, \"y\": 0, \"width\": 0.25, \"height\": 0.5}]}");
        McuConfig config = McuConfig.load(null, List.of("video.layout=custom", "video.customLayoutFile=" + file));
        assertEquals(dev.mcu.layouts.LayoutKind.CUSTOM, config.video().layout());
        assertEquals(List.of(new dev.mcu.layouts.RelativeTile(0, 0, 0.75, 1), new dev.mcu.layouts.RelativeTile(0.75, 0, 0.25, 0.5)),
                config.video().customTiles());
    }

    @Test
    void aCustomLayoutWithoutAFileIsRefusedWithTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> McuConfig.load(null, List.of("video.layout=custom")));
        assertTrue(e.getMessage().contains("video.customLayoutFile"), e.getMessage());
    }

    @Test
    void bindingEveryInterfaceNeedsAnAddressToAdvertise() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> McuConfig.load(null, List.of("sip.address=0.0.0.0")));
        assertTrue(e.getMessage().contains("sip.advertisedAddress"), e.getMessage());
        McuConfig config = McuConfig.load(null, List.of("sip.address=0.0.0.0", "sip.advertisedAddress=192.0.2.10"));
        assertEquals("192.0.2.10", config.sip().reachableAddress());
    }

    @Test
    void roomsListEntriesTakeModeAndRolePinsAndRefuseUnknownKeysByName() {
        McuConfig config = McuConfig.load(null, List.of(
                "rooms.list=[{name: town-hall, mode: webinar, hostPin: '9876', speakerPin: '5555'}]"));
        McuConfig.RoomSpec spec = config.rooms().list().get(0);
        assertEquals("webinar", spec.mode());
        assertEquals("9876", spec.hostPin());
        assertEquals(null, spec.pin());
        assertTrue(!spec.toString().contains("9876"), "PINs stay out of logs: " + spec);
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
                () -> McuConfig.load(null, List.of("rooms.list=[{name: board, hostpin: '1'}]")));
        assertEquals("unknown key 'hostpin' in rooms.list entry 'board'; an entry takes name, mode, pin, hostPin, speakerPin",
                typo.getMessage());
        IllegalArgumentException mode = assertThrows(IllegalArgumentException.class,
                () -> McuConfig.load(null, List.of("rooms.list=[{name: board, mode: lecture}]")));
        assertTrue(mode.getMessage().contains("mode must be meeting or webinar"), mode.getMessage());
    }

    @Test
    void aYamlSyntaxErrorIsOneLineWithItsPlace(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        java.nio.file.Files.writeString(file, "sip:\n  port: 5070\n    wsPort: 1\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> McuConfig.load(file, List.of()));
        assertEquals(file + " is not valid YAML: line 3, column 11: mapping values are not allowed here", e.getMessage());
    }

    @Test
    void aMissingConfigFileOrADirectoryIsNamed(@TempDir Path dir) {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> McuConfig.load(dir.resolve("nope.yaml"), List.of()));
        assertEquals("configuration file " + dir.resolve("nope.yaml") + " not found", missing.getMessage());
        IllegalArgumentException directory = assertThrows(IllegalArgumentException.class, () -> McuConfig.load(dir, List.of()));
        assertTrue(directory.getMessage().endsWith("is a directory; --config names a YAML file"), directory.getMessage());
    }
}
