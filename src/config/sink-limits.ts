/**
 * Limits of a destination that the configuration must respect, kept here (below both the
 * configuration and the sinks) so that loadConfig can check them without importing a sink.
 *
 * Graph caps a request at 4 MB ("Maximum request length exceeded.", docs/microsoft-graph.md §3,
 * "Request size"). Microsoft does not say whether that MB is 10^6 or 2^20 bytes, so the smaller
 * reading is used: no body this sink sends can exceed the cap either way. importMime's body is
 * the base64 of the whole MIME, so at most 3 000 000 bytes of MIME fit. Graph documents no
 * large-item path for importMime (upload sessions are for attachments of an
 * existing message, and the beta import sessions take exportItems data, not .eml), so a bigger
 * item fails with TOO_LARGE (non-retriable: dead letter plus a `failed` outcome) instead of a
 * request Graph would refuse. WXA_MAX_ITEM_BYTES stays at or below GRAPH_MAX_MIME_BYTES with this
 * sink so the limit stage strips attachments first: loadConfig makes it the default for
 * WXA_SINK=graph and refuses a larger explicit value.
 */
export const GRAPH_MAX_REQUEST_BYTES = 4_000_000;
export const GRAPH_MAX_MIME_BYTES = (GRAPH_MAX_REQUEST_BYTES / 4) * 3;
