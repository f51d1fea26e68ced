/**
 * Every configuration key, declared as data: its environment variable, default, parser and
 * documentation. `loadConfig` validates all of them once at start-up; a bad value stops the
 * program with a message that names the key. docs/configuration.md is generated from this list.
 */
import { parsers as p, type KeySpec } from './parsers.js';

export const AZURITE_DEV_CONNECTION_STRING =
  'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
  // Azurite's published, well-known development key (not a secret).
  'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;' +
  'BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;';

export const CONFIG_SPEC = {
  // --- Kafka and the schema registry ---
  kafkaBrokers: { env: 'WXA_KAFKA_BROKERS', default: '127.0.0.1:19092', parse: p.list, doc: 'Kafka bootstrap servers, comma-separated' },
  kafkaClientId: { env: 'WXA_KAFKA_CLIENT_ID', default: 'webex-archiver', parse: p.nonEmpty, doc: 'Kafka client id' },
  topicPrefix: { env: 'WXA_TOPIC_PREFIX', default: '', parse: p.topicPrefix, doc: 'Prefix for every topic and consumer group (isolates test runs and tenants)' },
  topicPartitions: { env: 'WXA_TOPIC_PARTITIONS', default: '6', parse: p.intRange(1, 1000), doc: 'Partitions for newly created topics' },
  topicReplication: { env: 'WXA_TOPIC_REPLICATION', default: '1', parse: p.intRange(1, 10), doc: 'Replication factor for newly created topics; above 1 they also get min.insync.replicas=2, so acks=all means two copies (use 3 in production; 1 is the single development broker)' },
  schemaRegistryUrl: { env: 'WXA_SCHEMA_REGISTRY_URL', default: 'http://127.0.0.1:18081/apis/ccompat/v7', parse: p.url, doc: 'Confluent-compatible schema registry base URL' },
  // --- Blob storage ---
  blobConnectionString: { env: 'WXA_BLOB_CONNECTION_STRING', default: AZURITE_DEV_CONNECTION_STRING, parse: p.string, secret: true, doc: 'Azure Blob Storage connection string (default: local Azurite)' },
  attachmentsContainer: { env: 'WXA_BLOB_ATTACHMENTS_CONTAINER', default: 'attachments', parse: p.containerName, doc: 'Private container for original attachments, named by SHA-256' },
  stagingContainer: { env: 'WXA_BLOB_STAGING_CONTAINER', default: 'staging', parse: p.containerName, doc: 'Private container for rendered .eml files' },
  // --- Webex ---
  webexBaseUrl: { env: 'WXA_WEBEX_BASE_URL', default: 'http://127.0.0.1:18090/v1', parse: p.url, doc: 'Webex REST base URL (https://webexapis.com/v1 in production; the simulator locally)' },
  webexToken: { env: 'WXA_WEBEX_TOKEN', default: 'simulator-token', parse: p.string, secret: true, doc: 'Compliance Officer access token' },
  webexRefreshToken: { env: 'WXA_WEBEX_REFRESH_TOKEN', default: '', parse: p.string, secret: true, doc: 'OAuth refresh token; when set, the access token is refreshed before expiry' },
  webexClientId: { env: 'WXA_WEBEX_CLIENT_ID', default: '', parse: p.string, doc: 'OAuth client id (for token refresh)' },
  webexClientSecret: { env: 'WXA_WEBEX_CLIENT_SECRET', default: '', parse: p.string, secret: true, doc: 'OAuth client secret (for token refresh)' },
  webexAllowUnscannable: { env: 'WXA_WEBEX_ALLOW_UNSCANNABLE', default: 'true', parse: p.bool, doc: 'Download files Webex could not scan for malware (428) with allow=unscannable, as a Compliance Officer may, so the archive keeps them; false records them on the item as unscannable instead' },
  webexMaxInFlight: { env: 'WXA_WEBEX_MAX_IN_FLIGHT', default: '4', parse: p.intRange(1, 64), doc: 'Concurrent Webex requests at most' },
  webhookSecret: { env: 'WXA_WEBHOOK_SECRET', default: 'local-webhook-secret', parse: p.secret(20), secret: true, doc: 'Shared secret for X-Spark-Signature (HMAC-SHA1); at least 20 characters (RFC 2104 §3: an HMAC key shorter than the hash output, 20 bytes for SHA-1, is discouraged; Webex documents no minimum), never a known development or example value off loopback' },
  webhookTargetUrl: { env: 'WXA_WEBHOOK_TARGET_URL', default: 'http://127.0.0.1:18080/webhooks/webex', parse: p.url, doc: 'Public URL Webex posts webhooks to' },
  // --- Receiver and operator endpoints ---
  receiverHost: { env: 'WXA_RECEIVER_HOST', default: '127.0.0.1', parse: p.host, doc: 'Address the receiver listens on' },
  receiverPort: { env: 'WXA_RECEIVER_PORT', default: '18080', parse: p.intRange(0, 65535), doc: 'Port the receiver listens on (0 picks a free one)' },
  receiverTrustProxy: { env: 'WXA_RECEIVER_TRUST_PROXY', default: 'false', parse: p.trustProxy, doc: 'Behind a TLS-terminating reverse proxy: the proxies whose X-Forwarded-Proto and X-Forwarded-For the receiver believes (addresses or CIDRs, comma-separated; a hop count; or true for any). Then the session cookie is Secure when the browser used HTTPS, and failed sign-ins are limited per client, not per proxy' },
  receiverMaxBodyBytes: { env: 'WXA_RECEIVER_MAX_BODY_BYTES', default: '1048576', parse: p.intRange(1024, 100 * 1024 * 1024), doc: 'Largest webhook body accepted; larger gets 413' },
  operatorToken: { env: 'WXA_OPERATOR_TOKEN', default: 'local-operator-token', parse: p.secret(16), secret: true, doc: 'Bearer credential for the dashboard, status log download and replay; signing in with it opens a server-side session (rotating it ends every session)' },
  metricsPublic: { env: 'WXA_METRICS_PUBLIC', default: 'true', parse: p.bool, doc: 'Serve /metrics without the operator credential' },
  metricsHost: { env: 'WXA_METRICS_HOST', default: '127.0.0.1', parse: p.host, doc: 'Address of the metrics-only /metrics listener of `run` (without --with-receiver) and `crawl --schedule`' },
  metricsPort: { env: 'WXA_METRICS_PORT', default: '0', parse: p.intRange(0, 65535), doc: 'Port of that listener (0 picks a free one, printed at start; Prometheus needs a fixed one, e.g. 9464)' },
  // --- Archive policy ---
  orgDomains: { env: 'WXA_ORG_DOMAINS', default: 'example.com', parse: p.domainList, doc: "The organization's email domains; a participant there is their own mailbox" },
  userMapFile: { env: 'WXA_USER_MAP_FILE', default: '', parse: p.string, doc: 'CSV override file with columns webexEmail,mailbox' },
  unmappedPolicy: { env: 'WXA_UNMAPPED_POLICY', default: 'fallback', parse: p.oneOf(['fallback', 'record'] as const), doc: 'External/unmapped participants: deliver to the fallback mailbox, or only record them as unmapped' },
  fallbackMailbox: { env: 'WXA_FALLBACK_MAILBOX', default: 'compliance@example.com', parse: p.emailOrEmpty, doc: 'Mailbox for external and unmapped participants' },
  maxItemBytes: { env: 'WXA_MAX_ITEM_BYTES', default: String(10 * 1024 * 1024), parse: p.intRange(1024, 1024 * 1024 * 1024), doc: 'Largest encoded MIME item imported whole (default 10 MB). With `WXA_SINK=graph` the default is 3000000 (Graph\'s 4 MB request cap holds that much MIME as base64) and a larger value stops start-up' },
  oversizePolicy: { env: 'WXA_OVERSIZE_POLICY', default: 'strip-attachments', parse: p.oneOf(['reject', 'strip-attachments'] as const), doc: 'What happens to an item over the limit' },
  transcriptMode: { env: 'WXA_TRANSCRIPT_MODE', default: 'false', parse: p.bool, doc: 'One email per space per day instead of one per message version: message versions stop at limit, and the transcript job (webex-archiver transcript) imports one transcript per room per closed UTC day' },
  transcriptDailyAt: { env: 'WXA_TRANSCRIPT_DAILY_AT', default: '03:00', parse: p.timeOfDay, doc: 'UTC time (HH:MM) at which `transcript --schedule` builds the previous day\'s transcripts; after the daily crawl, so it sees what the crawl found' },
  // --- Mailbox sink ---
  sink: { env: 'WXA_SINK', default: 'maildir', parse: p.oneOf(['maildir', 'imap', 'graph', 'smtp'] as const), doc: 'Where items are imported (smtp: journaled to WXA_SMTP_JOURNAL_ADDRESS)' },
  mailFolder: { env: 'WXA_MAIL_FOLDER', default: 'Webex Teams', parse: p.folderName, doc: 'Folder under the Inbox that receives the items' },
  maildirRoot: { env: 'WXA_MAILDIR_ROOT', default: '.data/archive', parse: p.nonEmpty, doc: 'Root folder of the Maildir sink (one folder per mailbox)' },
  imapHost: { env: 'WXA_IMAP_HOST', default: '127.0.0.1', parse: p.host, doc: 'IMAP server' },
  imapPort: { env: 'WXA_IMAP_PORT', default: '11143', parse: p.intRange(1, 65535), doc: 'IMAP port' },
  imapSecure: { env: 'WXA_IMAP_SECURE', default: 'false', parse: p.bool, doc: 'Use implicit TLS' },
  imapLoginTemplate: { env: 'WXA_IMAP_LOGIN_TEMPLATE', default: '{mailbox}*archiver', parse: p.template('{mailbox}'), doc: 'Login name per mailbox; {mailbox} is replaced (Dovecot master-user style by default); required, or every mailbox would log in as one user' },
  imapPassword: { env: 'WXA_IMAP_PASSWORD', default: 'archiver-master-secret', parse: p.string, secret: true, doc: 'IMAP password (master user) when not using XOAUTH2' },
  imapAccessToken: { env: 'WXA_IMAP_ACCESS_TOKEN', default: '', parse: p.string, secret: true, doc: 'XOAUTH2 access token; when set it replaces the password' },
  imapMaxConnections: { env: 'WXA_IMAP_MAX_CONNECTIONS', default: '1024', parse: p.intRange(2, 100000), doc: 'IMAP connections one import process keeps open, across its mailboxes (at most 2 per mailbox); the least recently used is closed past it. Size it to the mailboxes a process serves: each reopen is a login and a server session' },
  graphBaseUrl: { env: 'WXA_GRAPH_BASE_URL', default: 'https://graph.microsoft.com/beta', parse: p.url, doc: 'Microsoft Graph base URL' },
  graphAuthority: { env: 'WXA_GRAPH_AUTHORITY', default: 'https://login.microsoftonline.com', parse: p.url, doc: 'Token authority host' },
  graphTenantId: { env: 'WXA_GRAPH_TENANT_ID', default: '', parse: p.string, doc: 'Entra tenant id' },
  graphClientId: { env: 'WXA_GRAPH_CLIENT_ID', default: '', parse: p.string, doc: 'App registration client id' },
  graphClientSecret: { env: 'WXA_GRAPH_CLIENT_SECRET', default: '', parse: p.string, secret: true, doc: 'App registration client secret' },
  // --- RSMF export (docs/rsmf.md) ---
  rsmfMaxEvents: { env: 'WXA_RSMF_MAX_EVENTS', default: '10000', parse: p.intRange(1, 10_000), doc: 'Events per .rsmf slice at most (Relativity reads at most 10,000); a busier conversation-day is split into slices sharing an eventcollectionid' },
  rsmfMaxBytes: { env: 'WXA_RSMF_MAX_BYTES', default: String(200 * 1024 * 1024), parse: p.intRange(64 * 1024, 2 * 1024 * 1024 * 1024), doc: 'Size of one .rsmf slice at most, in bytes (default 200 MiB, what older Relativity Server releases recommend; at most 2 GiB); a single message larger than this gets a slice of its own' },
  rsmfContainer: { env: 'WXA_BLOB_RSMF_CONTAINER', default: 'rsmf', parse: p.containerName, doc: 'Private container where `rsmf --schedule` writes each day\'s .rsmf files' },
  rsmfDailyAt: { env: 'WXA_RSMF_DAILY_AT', default: '03:30', parse: p.timeOfDay, doc: 'UTC time (HH:MM) at which `rsmf --schedule` exports the previous day; after the daily crawl, so the export holds what the crawl found' },
  // --- SMTP journaling sink (WXA_SINK=smtp; docs/smtp-journaling.md) ---
  smtpHost: { env: 'WXA_SMTP_HOST', default: '127.0.0.1', parse: p.host, doc: 'SMTP server of the journaling archive (the local Postfix by default)' },
  smtpPort: { env: 'WXA_SMTP_PORT', default: '11025', parse: p.intRange(1, 65535), doc: 'SMTP port (587 or 25 for a real archive)' },
  smtpTls: { env: 'WXA_SMTP_TLS', default: 'starttls', parse: p.oneOf(['starttls', 'implicit', 'none'] as const), doc: 'starttls: upgrade with STARTTLS and refuse to send without it; implicit: TLS from the first byte (port 465); none: plain text, allowed only to a loopback host' },
  smtpTlsVerify: { env: 'WXA_SMTP_TLS_VERIFY', default: 'true', parse: p.bool, doc: 'Check the server certificate and name; false is allowed only for a loopback host (a local test server\'s self-signed certificate)' },
  smtpUser: { env: 'WXA_SMTP_USER', default: '', parse: p.string, doc: 'AUTH user name; empty sends without AUTH' },
  smtpPassword: { env: 'WXA_SMTP_PASSWORD', default: '', parse: p.string, secret: true, doc: 'AUTH password' },
  smtpFrom: { env: 'WXA_SMTP_FROM', default: 'webex-archiver@example.com', parse: p.email, doc: 'Envelope sender (MAIL FROM) and the From of journal reports' },
  smtpJournalAddress: { env: 'WXA_SMTP_JOURNAL_ADDRESS', default: 'journal@example.com', parse: p.email, doc: 'The archive\'s ingestion address: the only envelope recipient of every item' },
  smtpForm: { env: 'WXA_SMTP_FORM', default: 'plain', parse: p.oneOf(['plain', 'envelope'] as const), doc: 'plain: the item itself; envelope: an Exchange-style envelope journal report with the item attached as message/rfc822 and its true recipients listed' },
  smtpHeaders: { env: 'WXA_SMTP_HEADERS', default: '', parse: p.xHeaders, doc: 'Extra headers for the archive to index, `X-Name=value;X-Other=value` (at most 10)' },
  smtpMaxConnections: { env: 'WXA_SMTP_MAX_CONNECTIONS', default: '2', parse: p.intRange(1, 32), doc: 'Pooled SMTP connections per import process' },
  // --- Crawler ---
  crawlDailyAt: { env: 'WXA_CRAWL_DAILY_AT', default: '02:00', parse: p.timeOfDay, doc: 'UTC time of the daily reconciliation crawl (HH:MM)' },
  crawlPageSize: { env: 'WXA_CRAWL_PAGE_SIZE', default: '1000', parse: p.intRange(1, 1000), doc: 'Events per page the crawler asks for (`max`; 1000 is the largest the Events API accepts). The whole range from the checkpoint to now is read as one list, page by page, and the checkpoint moves after each page; lower it only if Webex answers 504, as its docs advise for large `max`' },
  crawlFirstLookbackDays: { env: 'WXA_CRAWL_FIRST_LOOKBACK_DAYS', default: '90', parse: p.intRange(1, 3650), doc: 'How far back the first crawl (no checkpoint yet) reads events (the Events API keeps 90 days without Pro Pack)' },
  crawlOverlapMinutes: { env: 'WXA_CRAWL_OVERLAP_MINUTES', default: '60', parse: p.intRange(0, 24 * 60), doc: 'How far before its checkpoint each crawl starts again' },
  // --- Capture: the whole conversation ---
  captureMemberships: { env: 'WXA_CAPTURE_MEMBERSHIPS', default: 'true', parse: p.bool, doc: 'Archive joins, leaves and moderator changes as items of their own (the membership timeline that gives every item its participants at the time is kept either way)' },
  captureRooms: { env: 'WXA_CAPTURE_ROOMS', default: 'true', parse: p.bool, doc: 'Archive space renames and re-classifications (rooms/updated) as items of their own' },
  captureAttachmentActions: { env: 'WXA_CAPTURE_ATTACHMENT_ACTIONS', default: 'true', parse: p.bool, doc: 'Archive Adaptive Card submissions (attachmentActions) as items threaded under their card message' },
  captureMeetingMessages: { env: 'WXA_CAPTURE_MEETING_MESSAGES', default: 'true', parse: p.bool, doc: 'Archive in-meeting chat (meetingMessages compliance events, read by the crawler only: Webex has no webhook for it) as items threaded per meeting, for its participants, a directed message for its sender and recipients only' },
  captureMeetingTranscripts: { env: 'WXA_CAPTURE_MEETING_TRANSCRIPTS', default: 'true', parse: p.bool, doc: 'Archive each meeting transcript (meetingTranscripts webhooks and compliance events) as one item: its text in the body, the original vtt and txt attached, for the host and participants' },
  // --- Processing ---
  processorConcurrency: { env: 'WXA_PROCESSOR_CONCURRENCY', default: '6', parse: p.intRange(1, 64), doc: 'Partitions each processor instance works on at once; as many as a topic has by default, so one partition\'s records never wait behind another\'s batch (with 2 of 6, import added 0.6 s at p50 to capture latency in the bench)' },
  dedupeRetentionDays: { env: 'WXA_DEDUPE_RETENTION_DAYS', default: '97', parse: p.intRange(1, 3650), doc: 'Days dedupe remembers a message version after it first saw it (Webex redelivers within the 90-day compliance Events window; 7 days of margin); older entries leave memory and the changelog (tombstones), and a later repeat is caught by the mailbox\'s Message-ID check' },
  maxAttempts: { env: 'WXA_MAX_ATTEMPTS', default: '8', parse: p.intRange(1, 1000), doc: 'In-place attempts at a retriable failure after which a processor whose order matters (hydrate to route) reports its partition stalled (an error log, `webex_archiver_processor_stalled`); it keeps retrying with backoff capped at 30 s, since skipping the record would break its room\'s order. Import never stalls: it parks instead (`WXA_IMPORT_QUICK_ATTEMPTS`)' },
  importQuickAttempts: { env: 'WXA_IMPORT_QUICK_ATTEMPTS', default: '3', parse: p.intRange(1, 100), doc: 'In-place attempts at a retriable import failure (about 0.2 s, 0.4 s apart) before the task is parked on the retry topics and the partition moves on; a failure whose code parks (MAILBOX_UNAVAILABLE: a mailbox full or refusing us) parks at once' },
  importRetryDelays: { env: 'WXA_IMPORT_RETRY_DELAYS', default: '60,600,3600', parse: p.secondsList(3, 7 * 24 * 3600), doc: 'Seconds a parked import task waits on webex.imports.retry-1.v1, -2 and -3 (its 1st, 2nd and 3rd and later parks) before it goes back to webex.imports.v1' },
  dataDir: { env: 'WXA_DATA_DIR', default: '.data', parse: p.nonEmpty, doc: 'Local working folder' },
  logFormat: { env: 'WXA_LOG_FORMAT', default: 'auto', parse: p.oneOf(['auto', 'json', 'pretty'] as const), doc: 'auto: readable lines when stdout is a terminal, JSON lines otherwise (collectors, files, containers); json or pretty to choose' },
  logLevel: { env: 'WXA_LOG_LEVEL', default: 'info', parse: p.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const), doc: 'Log level' },
} satisfies Record<string, KeySpec<unknown>>;

export type ConfigSpec = typeof CONFIG_SPEC;
export type Config = { readonly [K in keyof ConfigSpec]: ReturnType<ConfigSpec[K]['parse']> };
