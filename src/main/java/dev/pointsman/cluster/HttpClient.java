package dev.pointsman.cluster;

import dev.pointsman.net.Cancellable;
import java.util.function.Consumer;

/**
 * One bounded {@code GET} to a Patroni REST API. The Netty implementation is {@link NettyHttpClient};
 * tests script answers. {@code done} is called exactly once, on the caller's event loop, unless
 * the exchange was cancelled first.
 */
interface HttpClient {
    /** Patroni's answers are small; anything larger is refused. */
    int MAX_ANSWER = 64 * 1024;

    Cancellable get(Endpoint endpoint, String path, Consumer<Result> done);

    /** A REST API's host (an IP literal, or a name resolved off the event loop) and port. */
    record Endpoint(String host, int port) {
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }

        /** The base of a URL such as {@code http://127.0.0.11:8008/patroni}; null when it has no host or port. */
        static Endpoint ofUrl(String url) {
            if (url == null) {
                return null;
            }
            try {
                java.net.URI uri = java.net.URI.create(url);
                if (uri.getHost() == null) {
                    return null;
                }
                String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                        : uri.getHost();
                return new Endpoint(host, uri.getPort() < 0 ? 80 : uri.getPort());
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }

    /** How an exchange ended. */
    sealed interface Result {}

    /** A complete answer: any status, the body as received (at most {@link #MAX_ANSWER} bytes in all). */
    record Answer(int status, byte[] body) implements Result {}

    /** No usable answer: refused, timed out, garbage, truncated, too large. */
    record Failure(String reason) implements Result {}
}
