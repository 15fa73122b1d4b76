package dev.pointsman.cluster;

import dev.pointsman.config.ServerConfig;
import io.netty.util.NetUtil;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Which server of the backend a member is: same port, and the member's host (its
 * {@code connect_address}) equal to the server's resolved address when it is an IP literal, or
 * to the server's host as written otherwise. No name is resolved here.
 */
final class MemberMatch {
    private MemberMatch() {}

    static Optional<ServerConfig> serverOf(Member member, List<ServerConfig> servers) {
        if (member.host() == null || member.port() == 0) {
            return Optional.empty();
        }
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(member.host());
        return servers.stream().filter(s -> s.port() == member.port() && sameHost(member.host(), literal, s))
                .findFirst();
    }

    private static boolean sameHost(String host, byte[] literal, ServerConfig s) {
        if (host.equalsIgnoreCase(s.host())) {
            return true;
        }
        if (literal == null || s.address() == null || s.address().isUnresolved()) {
            return false;
        }
        return Arrays.equals(literal, s.address().getAddress().getAddress());
    }
}
