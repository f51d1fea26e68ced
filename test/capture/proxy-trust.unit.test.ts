import { describe, expect, it } from 'vitest';
import { proxyTrust } from '../../src/capture/proxy-trust.js';
import { loadConfig } from '../../src/config/load.js';

describe('WXA_RECEIVER_TRUST_PROXY', () => {
  it.each([
    ['false', false], ['', false], ['true', true], ['2', 2], ['10.0.0.1', '10.0.0.1'],
    [' 10.0.0.0/8 , 192.168.1.1,::1 ', '10.0.0.0/8,192.168.1.1,::1'], ['fd00::/8', 'fd00::/8'],
  ] as const)('%j parses to %j', (raw, value) => {
    expect(loadConfig({ WXA_RECEIVER_TRUST_PROXY: raw }).receiverTrustProxy).toEqual(value);
  });

  it.each(['proxy.internal', '10.0.0.0/33', '10.0.0.1/8/1', 'maybe', '::1/129'])('%j stops start-up naming the key', (raw) => {
    expect(() => loadConfig({ WXA_RECEIVER_TRUST_PROXY: raw })).toThrow(/^WXA_RECEIVER_TRUST_PROXY: expected false, true, a hop count or proxy addresses/);
  });

  it('trusts exactly the listed peers, IPv4-mapped addresses included', () => {
    const t = proxyTrust('10.0.0.0/8,192.168.1.1,fd00::/8');
    expect(t('10.2.3.4', 0)).toBe(true);
    expect(t('::ffff:10.2.3.4', 0)).toBe(true);
    expect(t('192.168.1.1', 0)).toBe(true);
    expect(t('192.168.1.2', 0)).toBe(false);
    expect(t('fd12::1', 0)).toBe(true);
    expect(t('127.0.0.1', 0)).toBe(false);
    expect(proxyTrust(false)('10.2.3.4', 0)).toBe(false);
    expect(proxyTrust(1)('1.2.3.4', 0)).toBe(true);
    expect(proxyTrust(1)('1.2.3.4', 1)).toBe(false);
  });
});
