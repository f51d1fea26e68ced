import { BlockList, isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';

/**
 * Which peers may speak for the client through X-Forwarded-For and X-Forwarded-Proto: from
 * WXA_RECEIVER_TRUST_PROXY (false, true, a hop count, or addresses and CIDR ranges). The same
 * function is fastify's `trustProxy` (so req.ip is the client behind trusted proxies, which the
 * sign-in limit counts) and decides `isHttps`. It is ours rather than fastify's string form
 * because fastify 5 believes X-Forwarded-Proto whenever any trustProxy is set, even from a peer
 * that is not one of the trusted proxies.
 */
export type ProxyTrust = (address: string, hop: number) => boolean;

export function proxyTrust(setting: boolean | number | string): ProxyTrust {
  if (setting === false || setting === 0) return () => false;
  if (setting === true) return () => true;
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  const list = new BlockList();
  for (const item of setting.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [address = '', bits] = item.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family); else list.addSubnet(address, Number(bits), family);
  }
  return (address) => {
    // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d.
    const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    if (v4) return list.check(v4, 'ipv4');
    return list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
  };
}

/** Whether the browser reached us over HTTPS: our own TLS, or a trusted proxy's X-Forwarded-Proto. */
export function isHttps(req: FastifyRequest, trust: ProxyTrust): boolean {
  if ((req.raw.socket as { encrypted?: boolean } | undefined)?.encrypted) return true;
  const peer = req.raw.socket?.remoteAddress;
  if (peer === undefined || !trust(peer, 0)) return false;
  const forwarded = req.headers['x-forwarded-proto'];
  const last = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded ?? '').split(',').pop()?.trim().toLowerCase();
  return last === 'https';
}
