package dev.pointsman.backend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/** Thin translators from channel events to {@link Session} calls, one per side. */
final class RelayHandlers {

    private RelayHandlers() {}

    static final class ClientSide extends ChannelInboundHandlerAdapter {
        private final Backend backend;
        private final SessionPolicy policy;
        private final SessionOrigin origin;
        private Session session;

        ClientSide(Backend backend, SessionPolicy policy, SessionOrigin origin) {
            this.backend = backend;
            this.policy = policy;
            this.origin = origin;
        }

        /** The session of this channel, once it is active (tests reach it here). */
        Session session() {
            return session;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            session = new Session(ctx.channel(), backend, policy, origin);
            session.start();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            session.fromClient((ByteBuf) msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ChannelInputShutdownEvent.INSTANCE) {
                session.clientFin();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (session != null) {
                session.clientWritable();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (session != null) {
                session.clientInactive();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (session != null) {
                session.clientError(cause);
            } else {
                ctx.close();
            }
        }
    }

    static final class ServerSide extends ChannelInboundHandlerAdapter {
        private final Session session;
        /** Set when the session left this server (replayed elsewhere): later events are ignored. */
        boolean detached;

        ServerSide(Session session) {
            this.session = session;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (detached) {
                ((ByteBuf) msg).release();
                return;
            }
            session.fromServer((ByteBuf) msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (detached) {
                return;
            }
            if (evt == ChannelInputShutdownEvent.INSTANCE) {
                session.serverFin();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (!detached) {
                session.serverWritable();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!detached) {
                session.serverInactive();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!detached) {
                session.serverError(cause);
            } else {
                ctx.close();
            }
        }
    }
}
