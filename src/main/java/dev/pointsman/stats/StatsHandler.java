package dev.pointsman.stats;

import dev.pointsman.config.StatsConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one request per connection (then closes it): routing and authentication on the event
 * loop, rendering on the stats renderer thread, so no page is ever built on a proxying thread; a
 * page whose client has gone by the time the renderer gets to it is not built.
 * Its actions: HAProxy's server actions ({@code POST <uri>}, {@link PagePost}), applied through the
 * runtime API's path ({@link PageActions}), and acknowledging alerts ({@code POST <uri>;ack-alerts}),
 * handed to the {@link AlertBoard}; the answer (303 back to the page) goes out when the action has
 * been applied. A POST another site's page made ({@link FormOrigin}) acts on nothing: DENY, or 403.
 */
final class StatsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger("admin");
    private final StatsServer server;
    private final Executor renderer;
    private final RequestDeadline deadline;

    StatsHandler(StatsServer server, Executor renderer, RequestDeadline deadline) {
        this.server = server;
        this.renderer = renderer;
        this.deadline = deadline;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (deadline.refused()) {
            return; // already answered 408 or 503 and counted; this is the codec's flush at close
        }
        deadline.requestComplete();
        ListenerCounters counters = server.counters();
        if (!req.decoderResult().isSuccess()) {
            counters.badRequests.increment();
            respond(ctx, false, HttpResponseStatus.BAD_REQUEST, "text/plain; charset=utf-8", "400 Bad Request\n");
            return;
        }
        boolean head = req.method().equals(HttpMethod.HEAD);
        StatsRoute route = route(ctx.channel(), req, server.config());
        switch (route.kind()) {
            case METHOD_NOT_ALLOWED -> respond(ctx, false, HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "text/plain; charset=utf-8", "405 Method Not Allowed: the stats page answers GET and HEAD, and POST"
                            + " to " + server.config().uri() + " (server actions) or " + server.config().uri() + ";"
                            + StatsRoute.ACK_ALERTS + "\n");
            case ACTION -> {
                Optional<String> refused = FormOrigin.refusal(req.headers(), true);
                if (refused.isPresent()) {
                    counters.denied.increment();
                    LOG.warn("stats page {}: a POST of server actions from {} refused: {}", server.config().uri(),
                            ctx.channel().remoteAddress(), refused.get());
                    seeOther(ctx, server.redirect(route, PageStatus.DENY));
                } else {
                    act(ctx, req, route);
                }
            }
            case DENY -> {
                counters.denied.increment();
                seeOther(ctx, server.redirect(route, PageStatus.DENY));
            }
            case FORBIDDEN -> {
                counters.denied.increment();
                respond(ctx, false, HttpResponseStatus.FORBIDDEN, "text/plain; charset=utf-8",
                        "403 Forbidden: acknowledging alerts needs 'stats admin if TRUE', or 'stats admin if LOCALHOST'"
                                + " and a client on a loopback address, in this section\n");
            }
            case ACK -> {
                Optional<String> refused = FormOrigin.refusal(req.headers(), false);
                if (refused.isPresent()) {
                    counters.denied.increment();
                    respond(ctx, false, HttpResponseStatus.FORBIDDEN, "text/plain; charset=utf-8",
                            "403 Forbidden: a POST from another site does not acknowledge alerts (" + refused.get()
                                    + ")\n");
                } else {
                    acknowledge(ctx, route);
                }
            }
            case UNAUTHORIZED -> {
                counters.denied.increment();
                FullHttpResponse r = response(HttpResponseStatus.UNAUTHORIZED, "text/html; charset=utf-8",
                        "<html><body><h1>401 Unauthorized</h1>You need a valid user and password to access this content.</body></html>\n",
                        false);
                r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"" + server.config().realm() + "\"");
                send(ctx, r);
            }
            case NOT_FOUND -> respond(ctx, head, HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8",
                    "404 Not Found: the stats page is at " + server.config().uri() + "\n");
            default -> render(ctx, route, head, server.config().admin().allows(loopback(ctx.channel())));
        }
    }

    /** What the request asks for ({@link StatsRoute}), from its head alone. */
    static StatsRoute route(Channel ch, HttpRequest req, StatsConfig config) {
        return StatsRoute.of(req.method().name(), req.uri(),
                Optional.ofNullable(req.headers().get(HttpHeaderNames.AUTHORIZATION)), config, loopback(ch));
    }

    private static boolean loopback(Channel ch) {
        return ch.remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
                && a.getAddress().isLoopbackAddress();
    }

    /**
     * A POST of the page's server actions: the form is read as HAProxy reads it, applied through the
     * runtime API's path, and answered as HAProxy does, 303 to {@code <uri>;st=CODE} once every
     * change is in force. Whatever goes wrong is ERRP, never a 500.
     */
    private void act(ChannelHandlerContext ctx, FullHttpRequest req, StatsRoute route) {
        String client = String.valueOf(ctx.channel().remoteAddress());
        CompletionStage<PageStatus> outcome;
        try {
            PagePost post = PagePost.parse(req.content().toString(StandardCharsets.ISO_8859_1),
                    server.actions()::isBackend);
            outcome = server.apply(post, client);
        } catch (RuntimeException e) {
            outcome = CompletableFuture.failedFuture(e);
        }
        outcome.whenComplete((status, failure) -> {
            if (failure != null) {
                LOG.warn("stats page: a POST from {} failed: {}", client, failure.toString());
            }
            server.counters().intercepted.increment();
            seeOther(ctx, server.redirect(route, failure != null ? PageStatus.ERRP : status));
        });
    }

    /** HAProxy's redirect after a POST: 303, empty, to {@code location}. */
    private static void seeOther(ChannelHandlerContext ctx, String location) {
        FullHttpResponse r = response(HttpResponseStatus.SEE_OTHER, "text/plain", "", false);
        r.headers().set(HttpHeaderNames.LOCATION, location);
        send(ctx, r);
    }

    private void acknowledge(ChannelHandlerContext ctx, StatsRoute route) {
        server.acknowledge(route.ackBackend()).whenComplete((n, failure) -> {
            if (failure != null) {
                respond(ctx, false, HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain; charset=utf-8",
                        "503 Service Unavailable: the alerts could not be acknowledged: " + failure + "\n");
                return;
            }
            server.counters().intercepted.increment();
            FullHttpResponse r = response(HttpResponseStatus.SEE_OTHER, "text/plain; charset=utf-8",
                    n + (n == 1 ? " alert" : " alerts") + " acknowledged"
                            + route.ackBackend().map(b -> " in backend '" + b + "'").orElse("") + "\n", false);
            r.headers().set(HttpHeaderNames.LOCATION, server.config().uri());
            send(ctx, r);
        });
    }

    private void render(ChannelHandlerContext ctx, StatsRoute route, boolean head, boolean admin) {
        try {
            renderer.execute(() -> {
                if (!ctx.channel().isActive()) {
                    return; // the client went while the page waited: render nothing for nobody
                }
                String type;
                String body;
                try {
                    switch (route.kind()) {
                        case CSV -> {
                            type = "text/plain; charset=utf-8";
                            body = server.csv();
                        }
                        case JSON -> {
                            type = "application/json";
                            body = server.json();
                        }
                        case METRICS -> {
                            type = PromOutput.CONTENT_TYPE;
                            body = server.metrics();
                        }
                        default -> {
                            type = "text/html; charset=utf-8";
                            body = server.html(route.refresh(), admin, route.status());
                        }
                    }
                } catch (RuntimeException e) {
                    respond(ctx, head, HttpResponseStatus.INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8",
                            "500 Internal Server Error: " + e + "\n");
                    return;
                }
                server.counters().intercepted.increment();
                respond(ctx, head, HttpResponseStatus.OK, type, body);
            });
        } catch (RejectedExecutionException e) {
            respond(ctx, head, HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain; charset=utf-8",
                    "503 Service Unavailable: too many stats requests at once\n");
        }
    }

    private static void respond(ChannelHandlerContext ctx, boolean head, HttpResponseStatus status, String type, String body) {
        send(ctx, response(status, type, body, head));
    }

    private static FullHttpResponse response(HttpResponseStatus status, String type, String body, boolean head) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ByteBuf content = head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return r;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpResponse r) {
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
