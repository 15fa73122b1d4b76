package dev.pointsman.testing;

import io.netty.channel.ChannelException;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;

/** A socket the kernel will not give (EMFILE): its constructor fails, as Netty's own does when descriptors run out. */
public final class NoSocket extends NioSocketChannel {
    public NoSocket() {
        throw new ChannelException(new IOException("Too many open files"));
    }
}
