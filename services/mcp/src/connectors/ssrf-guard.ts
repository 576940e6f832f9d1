import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { Agent } from "undici";

export interface SsrfPolicy {
  /** Hostnames reached even when they resolve to a blocked address (internal APIs). */
  readonly allowHosts: readonly string[];
  /** Address ranges reached even though they are private, e.g. `10.20.0.0/16`. */
  readonly allowCidrs: readonly string[];
}

/** Private, loopback, link-local (cloud metadata), shared, documentation, multicast and reserved ranges. */
const BLOCKED_V4 = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.0.2.0/24",
  "192.88.99.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "198.51.100.0/24",
  "203.0.113.0/24",
  "224.0.0.0/4",
  "240.0.0.0/4",
];
/**
 * IPv6 equivalents, and every form that embeds an IPv4 address (mapped, NAT64, 6to4, Teredo),
 * blocked whole rather than decoded: `[::ffff:169.254.169.254]` must not pass.
 */
const BLOCKED_V6 = [
  "::/128",
  "::1/128",
  "::ffff:0:0/96",
  "64:ff9b::/96",
  "64:ff9b:1::/48",
  "100::/64",
  "2001::/32",
  "2001:db8::/32",
  "2002::/16",
  "fc00::/7",
  "fe80::/10",
  "fec0::/10",
  "ff00::/8",
];

export class SsrfRefused extends Error {}

/**
 * Outbound URL checks for connector and webhook tools. The URL is checked before the request, and
 * the address is checked again at connect time (the dispatcher's DNS lookup), so a name that
 * resolves differently the second time (DNS rebinding) cannot slip through.
 */
export class SsrfGuard {
  /** One list per family: a BlockList also matches IPv4 addresses against IPv4-mapped IPv6 rules. */
  private readonly blocked = { ipv4: new BlockList(), ipv6: new BlockList() };
  private readonly allowed = { ipv4: new BlockList(), ipv6: new BlockList() };
  private readonly allowHosts: ReadonlySet<string>;
  /** Pass to undici `request(..., { dispatcher })`. */
  readonly dispatcher: Agent;

  constructor(
    policy: SsrfPolicy,
    private readonly resolve: LookupFunction = dnsLookup as LookupFunction,
  ) {
    for (const cidr of BLOCKED_V4) addSubnet(this.blocked, cidr);
    for (const cidr of BLOCKED_V6) addSubnet(this.blocked, cidr);
    for (const cidr of policy.allowCidrs) addSubnet(this.allowed, cidr);
    this.allowHosts = new Set(policy.allowHosts.map((host) => host.toLowerCase()));
    this.dispatcher = new Agent({ connect: { lookup: this.checkedLookup } });
  }

  /** Throws `SsrfRefused` unless `raw` is an http(s) URL whose host and addresses are allowed. */
  async checkUrl(raw: string): Promise<URL> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new SsrfRefused(`not a valid URL: ${raw}`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new SsrfRefused(`scheme ${url.protocol} is not allowed`);
    if (url.username || url.password) throw new SsrfRefused("URLs with credentials are not allowed");
    const host = hostOf(url);
    if (this.allowHosts.has(host)) return url;
    if (isIP(host)) {
      this.checkAddress(host, host);
      return url;
    }
    const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
      this.resolve(host, { all: true }, (error, result) =>
        error ? reject(error) : resolve(result as unknown as LookupAddress[]),
      ),
    ).catch((error: Error) => {
      throw new SsrfRefused(`cannot resolve ${host}: ${error.message}`);
    });
    for (const { address } of addresses) this.checkAddress(host, address);
    return url;
  }

  /** Throws unless `address` is public or allow-listed. */
  checkAddress(host: string, address: string): void {
    const family = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (this.allowed[family].check(address, family)) return;
    if (this.blocked[family].check(address, family)) {
      throw new SsrfRefused(
        `${host} resolves to ${address}, a private, loopback, link-local or reserved address`,
      );
    }
  }

  /** DNS lookup for the dispatcher: resolves, then refuses blocked addresses before the socket connects. */
  private readonly checkedLookup: LookupFunction = (hostname, options, callback) => {
    this.resolve(hostname, { ...options, all: true }, (error, result) => {
      if (error) return callback(error, "", 0);
      const addresses = result as unknown as LookupAddress[];
      try {
        if (!this.allowHosts.has(hostname.toLowerCase()))
          for (const { address } of addresses) this.checkAddress(hostname, address);
      } catch (refused) {
        return callback(refused as NodeJS.ErrnoException, "", 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

/** The URL's host without IPv6 brackets, lower-cased. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
}

function addSubnet(lists: { ipv4: BlockList; ipv6: BlockList }, cidr: string): void {
  const [network, prefix] = cidr.split("/");
  if (!network || prefix === undefined || !isIP(network)) throw new Error(`not a CIDR range: ${cidr}`);
  const family = isIP(network) === 6 ? "ipv6" : "ipv4";
  lists[family].addSubnet(network, Number(prefix), family);
}
