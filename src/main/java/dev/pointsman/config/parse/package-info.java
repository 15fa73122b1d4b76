/**
 * Text → {@link dev.pointsman.config.Config}: HAProxy's configuration syntax read into the
 * immutable records of {@code dev.pointsman.config}.
 *
 * <p>Two passes, as in HAProxy:
 * <ol>
 *   <li>{@link dev.pointsman.config.parse.Reader} tokenizes each line ({@code Tokenizer}: quotes,
 *       escapes, {@code "${VAR}"}, comments) and hands it to the keyword table of its section
 *       ({@code GlobalKeywords}, {@code ProxyKeywords} and its sub-tables for {@code option},
 *       {@code timeout}, {@code stats}, {@code http-check}, {@code server}). One keyword = one table
 *       row + one small method. {@code defaults} and {@code default-server} are templates copied
 *       before a section's own keywords apply. Every error is collected with its file:line; an
 *       unknown keyword suggests the nearest known one; a known HAProxy keyword that Pointsman
 *       does not implement says so; a keyword accepted without effect adds a
 *       {@link dev.pointsman.config.Config.Notice}.</li>
 *   <li>{@code Linker}, only when the first pass found no error: cross-references
 *       ({@code default_backend}, {@code use_backend}, duplicate names, conflicting binds, modes),
 *       then host resolution through the injected {@link dev.pointsman.config.parse.Resolver}.</li>
 * </ol>
 * The public surface is {@link dev.pointsman.config.parse.ConfigParser},
 * {@link dev.pointsman.config.parse.ConfigException} and {@link dev.pointsman.config.parse.Resolver}.
 */
package dev.pointsman.config.parse;
