package dev.pointsman.check;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny server on 127.0.0.1, port 0, for probe tests: it records the exact bytes of each request
 * and answers scripted bytes. A request is read until it is complete (HTTP: the empty line plus any
 * content-length body; PostgreSQL: one length-prefixed message), then the script runs.
 */
final class ScriptedServer implements AutoCloseable {
    enum Framing { HTTP, PGSQL }

    /** What to do once the request was read. */
    interface Script {
        void answer(OutputStream out) throws IOException, InterruptedException;
    }

    private final ServerSocket socket;
    private final Framing framing;
    private final Script script;
    private final boolean closeAfter;
    private final List<byte[]> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Thread thread;

    private ScriptedServer(Framing framing, Script script, boolean closeAfter) throws IOException {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.framing = framing;
        this.script = script;
        this.closeAfter = closeAfter;
        this.thread = new Thread(this::acceptLoop, "scripted-server-" + socket.getLocalPort());
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Answers {@code bytes} then closes. */
    static ScriptedServer http(String answer) throws IOException {
        return http(answer.getBytes(StandardCharsets.ISO_8859_1));
    }

    static ScriptedServer http(byte[] answer) throws IOException {
        return new ScriptedServer(Framing.HTTP, out -> out.write(answer), true);
    }

    static ScriptedServer http(Script script, boolean closeAfter) throws IOException {
        return new ScriptedServer(Framing.HTTP, script, closeAfter);
    }

    static ScriptedServer pgsql(byte[] answer) throws IOException {
        return new ScriptedServer(Framing.PGSQL, out -> out.write(answer), true);
    }

    /** Reads the request and never answers. */
    static ScriptedServer silent() throws IOException {
        return new ScriptedServer(Framing.HTTP, out -> {}, false);
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
    }

    int port() {
        return socket.getLocalPort();
    }

    List<byte[]> requests() {
        return requests;
    }

    String lastRequest() {
        return new String(requests.get(requests.size() - 1), StandardCharsets.ISO_8859_1);
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "scripted-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try {
            s.setSoTimeout(5000);
            byte[] request = framing == Framing.HTTP ? readHttp(s.getInputStream()) : readPgsql(s.getInputStream());
            requests.add(request);
            OutputStream out = s.getOutputStream();
            script.answer(out);
            out.flush();
            if (closeAfter) {
                s.shutdownOutput();
                drain(s.getInputStream());
                s.close();
            }
        } catch (IOException | InterruptedException e) {
            closeQuietly(s);
        }
    }

    private static void drain(InputStream in) {
        try {
            byte[] b = new byte[512];
            while (in.read(b) >= 0) {
                // until the client closes
            }
        } catch (IOException ignored) {
            // closed by the client
        }
    }

    private static byte[] readHttp(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int contentLength = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return buf.toByteArray();
            }
            buf.write(b);
            String text = buf.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end >= 0) {
                if (contentLength < 0) {
                    contentLength = 0;
                    for (String line : text.substring(0, end).split("\r\n")) {
                        if (line.toLowerCase().startsWith("content-length:")) {
                            contentLength = Integer.parseInt(line.substring(15).strip());
                        }
                    }
                }
                if (buf.size() >= end + 4 + contentLength) {
                    return buf.toByteArray();
                }
            }
        }
    }

    private static byte[] readPgsql(InputStream in) throws IOException {
        byte[] len = in.readNBytes(4);
        int n = (len[0] & 0xff) << 24 | (len[1] & 0xff) << 16 | (len[2] & 0xff) << 8 | (len[3] & 0xff);
        byte[] rest = in.readNBytes(n - 4);
        byte[] all = new byte[n];
        System.arraycopy(len, 0, all, 0, 4);
        System.arraycopy(rest, 0, all, 4, rest.length);
        return all;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : open) {
            closeQuietly(s);
        }
    }

    /** A port with nothing listening: bind port 0, remember it, close. */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void ignore(SocketTimeoutException e) {
        // helper for scripts that wait
    }
}
