import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { classifyKafkajsLog, transientKey } from '../../src/kafka/kafkajs-log.js';

// The entries kafkajs 2.2.4 logs while a fresh broker elects leaders and loads coordinators
// (as they appeared at error level on `npm start`), against the ones that still need a person.
describe('classifyKafkajsLog', () => {
  it('a broker answer kafkajs retries is transient; another answer is a warning, not an error', () => {
    expect(classifyKafkajsLog(logLevel.ERROR, { message: 'Response FindCoordinator(key: 10, version: 2)', error: 'The group coordinator is not available' })).toBe('transient');
    expect(classifyKafkajsLog(logLevel.ERROR, { message: 'Response Metadata(key: 3, version: 6)', error: 'This server is not the leader for that topic-partition' })).toBe('transient');
    expect(classifyKafkajsLog(logLevel.ERROR, { message: 'Response JoinGroup(key: 11, version: 5)', error: 'The group is rebalancing, so a rejoin is needed' })).toBe('transient');
    expect(classifyKafkajsLog(logLevel.ERROR, { message: 'Response SaslAuthenticate(key: 36, version: 1)', error: 'Request is not valid given the current SASL state' })).toBe('warn');
  });

  it('retried connections and consumer restarts are transient; anything else at error stays an error', () => {
    expect(classifyKafkajsLog(logLevel.ERROR, { message: 'Connection error: connect ECONNREFUSED 127.0.0.1:19092' })).toBe('transient');
    expect(classifyKafkajsLog(logLevel.ERROR, { message: 'Failed to connect to seed broker, trying another broker from the list: Connection timeout', retryCount: 0 })).toBe('transient');
    expect(classifyKafkajsLog(logLevel.ERROR, { message: 'Restarting the consumer in 300ms', retryCount: 1 })).toBe('transient');
    expect(classifyKafkajsLog(logLevel.ERROR, { message: 'Failed to send messages: This server is not the leader for that topic-partition', retryCount: 2 })).toBe('transient');
    expect(classifyKafkajsLog(logLevel.ERROR, { message: 'Failed to send messages: The request included a message larger than the max message size the server will accept', retryCount: 0 })).toBe('error');
    expect(classifyKafkajsLog(logLevel.ERROR, { message: 'Crash: KafkaJSNonRetriableError: Invalid partition' })).toBe('error');
    expect(classifyKafkajsLog(logLevel.WARN, { message: 'The group is rebalancing, re-joining' })).toBe('warn');
    expect(classifyKafkajsLog(logLevel.INFO, { message: 'Consumer has joined the group' })).toBe('debug');
  });

  it('warns once per broker answer, whatever the request', () => {
    expect(transientKey({ message: 'Response Metadata(key: 3, version: 6)', error: 'The coordinator is loading and hence can\'t process requests' }))
      .toBe(transientKey({ message: 'Response OffsetFetch(key: 9, version: 4)', error: 'The coordinator is loading and hence can\'t process requests' }));
    expect(transientKey({ message: 'Restarting the consumer in 300ms' })).toBe(transientKey({ message: 'Restarting the consumer in 1200ms' }));
  });
});
