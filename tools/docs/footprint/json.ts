/**
 * Resource inputs as the engine received them: untyped JSON, read field by field with `?.` and checked
 * where a figure is taken (a missing or malformed value fails with the resource's name).
 */
// biome-ignore lint/suspicious/noExplicitAny: declared inputs have no static type; every read is checked.
export type Json = any;
