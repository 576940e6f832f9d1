/** IPv4 CIDR arithmetic: parsing, overlap checks and aligned subnet allocation. Pure, no Pulumi. */

export interface Ipv4Block {
  /** First address of the block as an unsigned 32-bit integer. */
  readonly base: number;
  readonly prefixLength: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; throws on malformed input or host bits set (e.g. `10.0.0.1/16`). */
export function parseCidr(cidr: string): Ipv4Block {
  const match = CIDR_PATTERN.exec(cidr);
  if (!match) throw new Error(`"${cidr}" is not an IPv4 CIDR block (expected a.b.c.d/n)`);
  const octets = match.slice(1, 5).map(Number);
  const prefixLength = Number(match[5]);
  if (octets.some((octet) => octet > 255)) throw new Error(`"${cidr}" has an octet above 255`);
  if (prefixLength > 32) throw new Error(`"${cidr}" has a prefix length above 32`);
  const base = octets.reduce((acc, octet) => acc * 256 + octet, 0);
  if (base % blockSize(prefixLength) !== 0) {
    throw new Error(
      `"${cidr}" has host bits set; did you mean ${formatCidr(alignDown(base, prefixLength), prefixLength)}?`,
    );
  }
  return { base, prefixLength };
}

export function isValidCidr(cidr: string): boolean {
  try {
    parseCidr(cidr);
    return true;
  } catch {
    return false;
  }
}

export function formatCidr(base: number, prefixLength: number): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(base / 2 ** shift) % 256);
  return `${octets.join(".")}/${prefixLength}`;
}

export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  return x.base < y.base + blockSize(y.prefixLength) && y.base < x.base + blockSize(x.prefixLength);
}

export interface SubnetRequest {
  readonly key: string;
  readonly prefixLength: number;
}

/**
 * Carves the requested subnets out of `parent`, each aligned to its own size, in the order given,
 * never overlapping. Request larger blocks first to waste the least space.
 * Throws naming the first request that does not fit.
 */
export function allocateSubnets(parent: string, requests: readonly SubnetRequest[]): Record<string, string> {
  const block = parseCidr(parent);
  const end = block.base + blockSize(block.prefixLength);
  const allocated: Record<string, string> = {};
  let cursor = block.base;
  for (const request of requests) {
    if (request.prefixLength < block.prefixLength || request.prefixLength > 32) {
      throw new Error(`subnet "${request.key}" (/${request.prefixLength}) cannot be carved out of ${parent}`);
    }
    const size = blockSize(request.prefixLength);
    const start = Math.ceil(cursor / size) * size;
    if (start + size > end) {
      throw new Error(`${parent} has no room left for subnet "${request.key}" (/${request.prefixLength})`);
    }
    allocated[request.key] = formatCidr(start, request.prefixLength);
    cursor = start + size;
  }
  return allocated;
}

function blockSize(prefixLength: number): number {
  return 2 ** (32 - prefixLength);
}

function alignDown(address: number, prefixLength: number): number {
  return address - (address % blockSize(prefixLength));
}
