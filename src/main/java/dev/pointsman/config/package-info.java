/**
 * The parsed configuration as immutable records: no Netty, no I/O.
 *
 * <p>A {@link dev.pointsman.config.Config} holds the {@code global} section and every proxy
 * ({@code listen}, {@code frontend}, {@code backend}) with {@code defaults} and
 * {@code default-server} already applied. Every record that came from a line of a file keeps its
 * {@link dev.pointsman.config.Source} so that runtime errors can still name file:line.
 */
package dev.pointsman.config;
