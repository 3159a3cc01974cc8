package dev.mcu.app;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OperatorMistakesTest {

    @Test
    void everyBusyPortIsNamedWithItsKeyAtOnce() throws Exception {
        try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket b = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            McuConfig config = McuConfig.load(null, List.of("http.port=" + a.getLocalPort(), "sip.wsPort=" + b.getLocalPort(),
                    "sip.wssPort=0", "http.httpsPort=0", "sip.port=" + dev.mcu.app.testing.TestServers.freeSipPort(),
                    "webrtc.port=0", "sip.tlsPort=0"));
            List<String> busy = PortCheck.busyPorts(config);
            assertEquals(List.of("sip.wsPort " + b.getLocalPort() + " (TCP) is in use",
                    "http.port " + a.getLocalPort() + " (TCP) is in use"), busy);
        }
    }

    @Test
    void freePortsAreNotReported() throws Exception {
        McuConfig config = McuConfig.load(null, List.of("http.port=0", "sip.wsPort=0", "sip.wssPort=0", "http.httpsPort=0",
                "sip.port=" + dev.mcu.app.testing.TestServers.freeSipPort(), "webrtc.port=0", "sip.tlsPort=0"));
        assertEquals(List.of(), PortCheck.busyPorts(config));
    }

    @Test
    void versionMatchesTheBuildAndHelpSaysWhereTheDefaultsAre() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out));
        assertEquals(0, cli.execute("--version"));
        String version = out.toString().trim();
        assertTrue(version.matches("mcu \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), version);
        assertEquals("mcu " + System.getProperty("mcu.expectedVersion", version.substring(4)), version);
        StringWriter help = new StringWriter();
        cli.setOut(new PrintWriter(help));
        assertEquals(0, cli.execute("--help"));
        assertTrue(help.toString().contains("mcu-defaults.yaml"), help.toString());
        assertFalse(help.toString().contains("${"), help.toString());
    }

    @Test
    void aMissingConfigFileEndsWithOneLineAndExitCode2() {
        StringWriter err = new StringWriter();
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true));
        try {
            assertEquals(2, new CommandLine(new Main()).execute("--config", "/nonexistent/mcu.yaml"));
        } finally {
            System.setErr(saved);
        }
        assertEquals("mcu: configuration file /nonexistent/mcu.yaml not found\n", captured.toString());
        assertTrue(err.toString().isEmpty());
    }
}
