package dev.mcu.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** Starts the MCU and runs until interrupted (Ctrl-C or SIGTERM). */
@Command(name = "mcu", mixinStandardHelpOptions = true, version = "mcu 0.1",
        description = "A mixing video-conference server: SIP phones dial sip:ROOM@host and see and hear the room.")
public final class Main implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, description = "YAML file overriding the embedded defaults (mcu-defaults.yaml)")
    private Path configFile;

    @Option(names = {"-s", "--set"}, description = "Override one key, e.g. --set sip.port=5070 (repeatable)")
    private List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        McuConfig config;
        try {
            config = McuConfig.load(configFile, overrides);
        } catch (IllegalArgumentException e) {
            System.err.println("mcu: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        McuServer server;
        try {
            server = new McuServer(config);
        } catch (java.io.IOException e) {
            System.err.println("mcu: cannot start: " + e.getMessage()
                    + " (is another server using SIP port " + config.sip().port() + "? change it with --set sip.port=N)");
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
