package dev.mcu.app.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AttributeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Turns each aggregated request into a {@link Request}, routes it, and writes the handler's
 * {@link Response}. Refusals are JSON {@code {"error": ...}}; a handler bug is a 500 with a plain
 * sentence (the trace goes to the log, never to the client).
 *
 * <p>Threads: reads and routes on the connection's event loop, copying the request out of Netty's
 * buffer (released by SimpleChannelInboundHandler on return); handlers run on the server's worker
 * pool; writes go back through the channel, which is safe from any thread.
 */
@ChannelHandler.Sharable
final class RequestDispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);
    private static final AttributeKey<Boolean> STREAMING = AttributeKey.valueOf("mcu.streaming");

    private final Router router;
    private final boolean secure;
    private final Executor workers;   // borrowed: the server's handler pool

    RequestDispatcher(Router router, boolean secure, Executor workers) {
        this.router = router;
        this.secure = secure;
        this.workers = workers;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            int status = cause instanceof TooLongFrameException ? 431 : 400;
            write(ctx, Response.error(status, "the request could not be read as HTTP: "
                    + Json.firstLine(cause.getMessage())), false, false);
            return;
        }
        String method = request.method().name();
        boolean head = method.equals("HEAD");
        Router.Match match;
        Request copy;
        try {
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            match = router.match(method, uri.rawPath());
            copy = toRequest(ctx, request, uri, match);  // copied: Netty releases the request on return
        } catch (RuntimeException e) {
            write(ctx, refusal(method, request.uri(), e), keepAlive, head);
            return;
        }
        String rawUri = request.uri();
        try {
            workers.execute(() -> answer(ctx, match, copy, rawUri, keepAlive, head));
        } catch (RejectedExecutionException e) {
            write(ctx, Response.error(503, "the server is too busy to answer; try again in a moment")
                    .withHeader("Retry-After", "1"), keepAlive, head);
        }
    }

    /** Runs on a worker: the handler may wait for a room. */
    private void answer(ChannelHandlerContext ctx, Router.Match match, Request request, String rawUri,
                        boolean keepAlive, boolean head) {
        Response response;
        try {
            response = match.route().handler().handle(request);
        } catch (Exception | LinkageError e) {
            response = refusal(request.method(), rawUri, e);
        }
        if (response.streamOpened() != null && !head) {
            openStream(ctx, response);
            return;
        }
        write(ctx, response, keepAlive, head);
    }

    private static Response refusal(String method, String uri, Throwable failure) {
        Response response;
        try {
            throw failure;
        } catch (HttpError e) {
            response = Response.error(e.status(), e.getMessage());
        } catch (Router.MethodNotAllowed e) {
            response = Response.error(405, e.getMessage()).withHeader("Allow", String.join(", ", e.allowed));
        } catch (IllegalArgumentException e) {
            // e.g. a malformed percent-escape in the path or query
            response = Response.error(400, "bad request: " + Json.firstLine(e.getMessage()));
        } catch (Throwable e) {
            log.warn("HTTP {} {} failed inside the server (a bug; the client got 500)", method, uri, e);
            response = Response.error(500, "the server failed to answer this request; its log says why");
        }
        return response;
    }

    private Request toRequest(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri,
                              Router.Match match) {
        Map<String, String> query = new HashMap<>();
        for (Map.Entry<String, List<String>> e : uri.parameters().entrySet()) {
            if (!e.getValue().isEmpty()) {
                query.put(e.getKey(), e.getValue().get(0));
            }
        }
        Map<String, String> headers = new HashMap<>();
        for (Map.Entry<String, String> h : request.headers()) {
            headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue());
        }
        InetAddress remote = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        return new Request(request.method().name(), uri.path(), match.parameters(), Map.copyOf(query),
                Map.copyOf(headers), ByteBufUtil.getBytes(request.content()), remote, secure);
    }

    private static void write(ChannelHandlerContext ctx, Response response, boolean keepAlive, boolean head) {
        FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.status()),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(response.body()));
        if (response.contentType() != null) {
            out.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        }
        out.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        response.headers().forEach((name, value) -> out.headers().set(name, value));
        HttpUtil.setContentLength(out, response.body().length);
        HttpUtil.setKeepAlive(out, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(out);
        } else {
            ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static void openStream(ChannelHandlerContext ctx, Response response) {
        DefaultHttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        out.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        out.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        response.headers().forEach((name, value) -> out.headers().set(name, value));
        HttpUtil.setTransferEncodingChunked(out, true);
        ctx.channel().attr(STREAMING).set(true);
        ctx.writeAndFlush(out);
        response.streamOpened().accept(new EventStream(ctx.channel()));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent && ctx.channel().attr(STREAMING).get() == null) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A client that resets the connection or fails the TLS handshake: nothing to answer.
        log.debug("HTTP connection from {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
