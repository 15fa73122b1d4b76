package dev.pointsman.cluster.dcs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted etcd v3 JSON gateway on 127.0.0.1:0, in blocking sockets (one thread per
 * connection): {@code /v3/kv/range} answers {@link #rangeStatus}/{@link #rangeAnswer} (or never,
 * with {@link #rangeHangs}); each {@code /v3/watch} answers 200 chunked and is handed to the test
 * as a {@link Watch} once its (complete) create request has arrived, to stream what the test
 * scripts.
 */
final class FakeGateway implements AutoCloseable {
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-etcd-gateway");
        t.setDaemon(true);
        return t;
    });
    private final CopyOnWriteArrayList<Socket> sockets = new CopyOnWriteArrayList<>();

    volatile String rangeAnswer = range(null, 0, 1);
    volatile int rangeStatus = 200;
    volatile boolean rangeHangs;
    final AtomicInteger ranges = new AtomicInteger();
    final BlockingQueue<String> rangeRequests = new LinkedBlockingQueue<>();
    final BlockingQueue<Watch> watches = new LinkedBlockingQueue<>();
    final AtomicInteger watchCount = new AtomicInteger();

    FakeGateway() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** A port that refuses connections. */
    static URI refusing() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + s.getLocalPort());
        }
    }

    // ---- the gateway's JSON, as etcd 3.4 writes it ----

    static String header(long revision) {
        return "{\"cluster_id\":\"1\",\"member_id\":\"2\",\"revision\":\"" + revision + "\",\"raft_term\":\"2\"}";
    }

    static String range(String member, long modRevision, long revision) {
        String kvs = member == null ? "" : ",\"kvs\":[{\"key\":\"" + b64("/service/pointsman/leader")
                + "\",\"create_revision\":\"" + modRevision + "\",\"mod_revision\":\"" + modRevision
                + "\",\"version\":\"1\",\"value\":\"" + b64(member) + "\",\"lease\":\"77\"}],\"count\":\"1\"";
        return "{\"header\":" + header(revision) + kvs + "}";
    }

    static String created(long revision) {
        return "{\"result\":{\"header\":" + header(revision) + ",\"created\":true}}";
    }

    static String put(String member, long revision) {
        return "{\"result\":{\"header\":" + header(revision) + ",\"events\":[{\"kv\":{\"key\":\""
                + b64("/service/pointsman/leader") + "\",\"create_revision\":\"" + revision + "\",\"mod_revision\":\""
                + revision + "\",\"version\":\"1\",\"value\":\"" + b64(member) + "\",\"lease\":\"77\"}}]}}";
    }

    static String delete(long revision) {
        return "{\"result\":{\"header\":" + header(revision) + ",\"events\":[{\"type\":\"DELETE\",\"kv\":{\"key\":\""
                + b64("/service/pointsman/leader") + "\",\"mod_revision\":\"" + revision + "\"}}]}}";
    }

    static String progress(long revision) {
        return "{\"result\":{\"header\":" + header(revision) + ",\"watch_id\":\"-1\"}}";
    }

    static String compacted(long compactRevision, long revision) {
        return "{\"result\":{\"header\":" + header(revision) + ",\"canceled\":true,\"compact_revision\":\""
                + compactRevision + "\",\"cancel_reason\":\"etcdserver: mvcc: required revision has been compacted\"}}";
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** One open watch stream. */
    final class Watch {
        final Socket socket;
        final String createRequest;
        private final OutputStream out;

        Watch(Socket socket, String createRequest) throws IOException {
            this.socket = socket;
            this.createRequest = createRequest;
            this.out = socket.getOutputStream();
        }

        /** One line, in a chunk of its own. */
        synchronized void send(String line) throws IOException {
            raw(line + "\n");
        }

        /** Text as one chunk, as is. */
        synchronized void raw(String text) throws IOException {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        /** The last chunk: the answer ends cleanly. */
        synchronized void end() throws IOException {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        /** A reset, as when etcd dies. */
        void abort() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        /** True when the client closed its side (read returns EOF or fails). */
        boolean closedByClient() {
            return clientGone;
        }

        volatile boolean clientGone;
    }

    // ---- the server ----

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try {
            InputStream in = s.getInputStream();
            String head = readHead(in);
            String requestLine = head.substring(0, head.indexOf("\r\n"));
            Map<String, String> headers = headers(head);
            if (requestLine.startsWith("POST /v3/kv/range ")) {
                int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
                rangeRequests.add(new String(in.readNBytes(length), StandardCharsets.UTF_8));
                ranges.incrementAndGet();
                if (rangeHangs) {
                    return;
                }
                byte[] body = rangeAnswer.getBytes(StandardCharsets.UTF_8);
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 " + rangeStatus + " X\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            } else if (requestLine.startsWith("POST /v3/watch ")) {
                // etcd's gateway answers only once the request body is complete: insist on one
                if (!headers.containsKey("content-length") || !"true".equals(headers.get("grpc-metadata-hasleader"))) {
                    s.getOutputStream().write("HTTP/1.1 400 Bad\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    return;
                }
                int length = Integer.parseInt(headers.get("content-length"));
                String create = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                Watch watch = new Watch(s, create);
                watchCount.incrementAndGet();
                watches.add(watch);
                try {
                    while (in.read() >= 0) {
                        // nothing more is expected from the client
                    }
                } catch (IOException e) {
                    // the client went away
                }
                watch.clientGone = true;
            } else {
                s.getOutputStream().write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException | RuntimeException e) {
            // a test closed it
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("EOF in head");
            }
            head.write(b);
            String text = head.toString(StandardCharsets.US_ASCII);
            if (text.endsWith("\r\n\r\n")) {
                return text;
            }
        }
    }

    private static Map<String, String> headers(String head) {
        Map<String, String> headers = new TreeMap<>();
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        return headers;
    }

    Watch nextWatch() throws InterruptedException {
        Watch w = watches.poll(5, TimeUnit.SECONDS);
        if (w == null) {
            throw new AssertionError("no watch stream was opened within 5 s");
        }
        return w;
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
        threads.shutdownNow();
    }
}
