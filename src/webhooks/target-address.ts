import { BlockList, isIP } from 'node:net';

/**
 * Where a webhook may go. A webhook URL comes from a client, and the service sends to it from inside
 * the operator's network: without a rule, a client could make the service call the cloud metadata
 * endpoint or a database admin page. So, unless WEBHOOK_ALLOW_PRIVATE=true, the URL's host (and
 * every address its name resolves to, checked again at each connection, so a name that later
 * resolves elsewhere is caught) must be a public address.
 */
const NOT_PUBLIC = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, the cloud metadata address among them
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  NOT_PUBLIC.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local (fd00:ec2::254 is AWS's metadata address)
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
  ['2001:db8::', 32],
  ['64:ff9b::', 96], // NAT64 of any IPv4 address
] as const)
  NOT_PUBLIC.addSubnet(net, bits, 'ipv6');

/** Host names that are never public, whatever DNS says. */
const PRIVATE_NAMES = /^(?:localhost|.*\.localhost|metadata|metadata\.google\.internal|.*\.internal|.*\.local)$/i;

/** Is this address public (not loopback, private, link-local, metadata, multicast or reserved)? */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 6) {
    // IPv4-mapped (::ffff:10.0.0.1) is the IPv4 address it maps.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return !NOT_PUBLIC.check(mapped[1]!, 'ipv4');
    return !NOT_PUBLIC.check(address, 'ipv6');
  }
  return !NOT_PUBLIC.check(address, 'ipv4');
}

/** Why a webhook URL is refused, or null when it may be used. */
export function refuseWebhookUrl(value: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'the scheme must be http or https';
  if (url.username || url.password)
    return 'credentials in the URL are not accepted (the signature authenticates the service)';
  if (url.hash) return 'a fragment (#…) is not sent, so it is not accepted';
  if (allowPrivate) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0)
    return isPublicAddress(host) ? null : `${host} is not a public address (WEBHOOK_ALLOW_PRIVATE=true allows it)`;
  if (PRIVATE_NAMES.test(host) || !host.includes('.'))
    return `${host} is not a public host name (WEBHOOK_ALLOW_PRIVATE=true allows it)`;
  return null;
}
