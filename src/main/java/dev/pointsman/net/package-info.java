/**
 * The network transport chosen once per process: Netty's native epoll where it loads, NIO
 * elsewhere. Shared by frontend, backend and check so that every channel of a session lives on
 * the same kind of event loop (a prerequisite for splice later).
 */
package dev.pointsman.net;
