package dev.pointsman.config.parse;

/** The small method behind one keyword: reads its arguments from {@code a} into {@code target}. */
@FunctionalInterface
interface Handler<T> {
    void apply(T target, Args a);
}
