package dev.mcu.app.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A client of baresip's ctrl_tcp module: netstring-framed JSON ({@code 42:{...},}) over TCP.
 * Commands go out as {@code {"command":..,"params":..,"token":..}}; baresip answers with
 * {@code {"response":true,"ok":..,"data":..,"token":..}} and also pushes {@code {"event":true,..}}
 * messages in between, which this client skips.
 *
 * <p>Threads: one caller at a time (the test thread). Owns its socket.
 */
final class BaresipControl implements AutoCloseable {
    private static final int MAX_MESSAGE_BYTES = 1 << 20;

    private final Socket socket;
    private int nextToken = 1;

    private BaresipControl(Socket socket) {
        this.socket = socket;
    }

    /** Connects, retrying while baresip is still starting, for at most {@code timeoutMillis}. */
    static BaresipControl connect(int port, long timeoutMillis) throws IOException {
        return connect(InetAddress.getLoopbackAddress(), port, timeoutMillis);
    }

    /** As {@link #connect(int, long)}, to baresip's control socket on {@code host}. */
    static BaresipControl connect(InetAddress host, int port, long timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (true) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(host, port), 1000);
                socket.setSoTimeout(5000);
                return new BaresipControl(socket);
            } catch (IOException e) {
                socket.close();
                if (System.nanoTime() > deadline) {
                    throw new IOException("baresip's control socket on port " + port + " did not open", e);
                }
                sleep(100);
            }
        }
    }

    /** Runs one command and returns baresip's JSON response to it. */
    String command(String name, String params) throws IOException {
        String token = String.valueOf(nextToken++);
        String json = "{\"command\":\"" + escape(name) + "\",\"params\":\"" + escape(params) + "\",\"token\":\""
                + token + "\"}";
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write((body.length + ":").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.write(',');
        out.flush();
        for (int skipped = 0; skipped < 1000; skipped++) {
            String message = readNetstring(socket.getInputStream());
            if (message.contains("\"response\":true") && message.contains("\"token\":\"" + token + "\"")) {
                return message;
            }
        }
        throw new IOException("no response to " + name + " among 1000 messages from baresip");
    }

    private static String readNetstring(InputStream in) throws IOException {
        int length = 0;
        int c;
        while ((c = in.read()) != ':') {
            if (c < '0' || c > '9' || length > MAX_MESSAGE_BYTES) {
                throw new IOException("not a netstring from baresip (byte " + c + ")");
            }
            length = length * 10 + (c - '0');
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(length);
        body.write(in.readNBytes(length));
        if (body.size() != length || in.read() != ',') {
            throw new IOException("truncated netstring from baresip");
        }
        return body.toString(StandardCharsets.UTF_8);
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SocketTimeoutException("interrupted");
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
