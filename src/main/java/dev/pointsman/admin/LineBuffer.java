package dev.pointsman.admin;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of a runtime API connection cut into lines: each ends at {@code \n} (a {@code \r}
 * before it is dropped, as HAProxy does); a line longer than the bound is an overflow, after which
 * the connection is closed. What follows the last newline waits for more bytes.
 *
 * <p>Owner: the connection's event loop.
 */
final class LineBuffer {
    private final int maxLine;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private boolean overflow;

    LineBuffer(int maxLine) {
        this.maxLine = maxLine;
    }

    /** Consumes {@code in} (the caller releases it) and returns the lines it completed. */
    List<String> feed(ByteBuf in) {
        List<String> lines = new ArrayList<>();
        while (in.isReadable() && !overflow) {
            byte b = in.readByte();
            if (b == '\n') {
                byte[] bytes = partial.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                lines.add(new String(bytes, 0, n, StandardCharsets.UTF_8));
                partial.reset();
            } else if (partial.size() >= maxLine) {
                overflow = true;
            } else {
                partial.write(b);
            }
        }
        in.skipBytes(in.readableBytes());
        return lines;
    }

    /** Bytes of a line not finished yet. */
    boolean hasPartial() {
        return partial.size() > 0;
    }

    /** A line went past the bound: nothing more is read. */
    boolean overflow() {
        return overflow;
    }
}
