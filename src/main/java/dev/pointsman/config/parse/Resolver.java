package dev.pointsman.config.parse;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Name resolution for server addresses, injectable so that tests need no DNS or /etc/hosts. */
@FunctionalInterface
public interface Resolver {
    InetAddress resolve(String host) throws UnknownHostException;

    /** The platform resolver (libc: /etc/hosts, then DNS). */
    static Resolver system() {
        return InetAddress::getByName;
    }
}
