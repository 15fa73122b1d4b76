package dev.pointsman.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineBufferTest {

    private static List<String> feed(LineBuffer lines, String text) {
        ByteBuf in = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        try {
            return lines.feed(in);
        } finally {
            in.release();
        }
    }

    @Test
    void linesEndAtLineFeedsWithACarriageReturnDroppedAndTheRestWaits() {
        LineBuffer lines = new LineBuffer(100);
        assertThat(feed(lines, "show info\r\nshow st")).containsExactly("show info");
        assertThat(lines.hasPartial()).isTrue();
        assertThat(feed(lines, "at\n\nset server pool/é state ready\n"))
                .containsExactly("show stat", "", "set server pool/é state ready");
        assertThat(lines.hasPartial()).isFalse();
    }

    @Test
    void aLineLongerThanTheBoundIsAnOverflowAndNothingMoreIsRead() {
        LineBuffer lines = new LineBuffer(8);
        assertThat(feed(lines, "12345678")).isEmpty();
        assertThat(lines.overflow()).isFalse();
        assertThat(feed(lines, "9\nshow info\n")).isEmpty();
        assertThat(lines.overflow()).isTrue();
    }
}
