// Which hosts a health probe may reach. A probe's answer ends up in status, which the API serves,
// so a probe of the instance metadata service would publish the task's credentials: link-local
// and metadata addresses are refused unless keelson.yaml names them in probes.allowHosts. When
// allowHosts lists anything, only what it lists may be probed. Pure: resolution is the caller's.
import { BlockList, isIP } from 'node:net';

// Link-local (the EC2/ECS/Azure metadata services live there), the EC2 IPv6 metadata address,
// and Alibaba's metadata address.
const METADATA_NETWORKS: [string, number, 'ipv4' | 'ipv6'][] = [
  ['169.254.0.0', 16, 'ipv4'],
  ['fe80::', 10, 'ipv6'],
  ['fd00:ec2::254', 128, 'ipv6'],
  ['100.100.100.200', 32, 'ipv4'],
];
const METADATA_NAMES = ['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal', 'metadata.azure.com'];

const refused = new BlockList();
for (const [address, prefix, family] of METADATA_NETWORKS) refused.addSubnet(address, prefix, family);

export interface ProbeHostPolicy {
  /** Host names (`app.example.com`, `*.example.com`), addresses or CIDR blocks; empty: any host but metadata ones. */
  allowHosts: readonly string[];
}

/** `[fe80::1]` → `fe80::1`; `::ffff:169.254.169.254` → `169.254.169.254`; names lower-cased without a final dot. */
export function normalizeHost(host: string): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase().replace(/\.$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (mapped) return mapped[1]!;
  const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(bare);
  if (hexMapped) {
    const [hi, lo] = [parseInt(hexMapped[1]!, 16), parseInt(hexMapped[2]!, 16)];
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return bare;
}

function family(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

/** An entry naming this host or address exactly (a CIDR block counts; a wildcard does not). */
function explicitlyAllowed(host: string, allowHosts: readonly string[]): boolean {
  return allowHosts.some((entry) => {
    const [base, prefix] = entry.split('/');
    const wanted = normalizeHost(base ?? '');
    if (prefix === undefined) return wanted === host;
    if (!isIP(wanted) || !isIP(host) || isIP(wanted) !== isIP(host)) return false;
    const block = new BlockList();
    block.addSubnet(wanted, Number(prefix), family(wanted));
    return block.check(host, family(host));
  });
}

function listed(host: string, allowHosts: readonly string[]): boolean {
  return explicitlyAllowed(host, allowHosts) || allowHosts.some((entry) => entry.startsWith('*.') && host.endsWith(entry.slice(1).toLowerCase()));
}

/** Why a URL's host may not be probed, before any resolution; undefined when it may be. */
export function refuseHost(rawHost: string, policy: ProbeHostPolicy): string | undefined {
  const host = normalizeHost(rawHost);
  if (isIP(host)) return refuseAddress(host, policy);
  if (METADATA_NAMES.includes(host) && !explicitlyAllowed(host, policy.allowHosts)) {
    return `${host} is a cloud metadata service; name it in probes.allowHosts of keelson.yaml to probe it`;
  }
  if (policy.allowHosts.length > 0 && !listed(host, policy.allowHosts)) return `${host} is not in probes.allowHosts of keelson.yaml`;
  return undefined;
}

/** Why an address (a literal, or what a name resolved to) may not be connected to. */
export function refuseAddress(rawAddress: string, policy: ProbeHostPolicy, name?: string): string | undefined {
  const address = normalizeHost(rawAddress);
  const via = name ? `${name} resolves to ${address}, which` : address;
  if (refused.check(address, family(address)) && !explicitlyAllowed(address, policy.allowHosts)) {
    return `${via} is a link-local or metadata address; name it in probes.allowHosts of keelson.yaml to probe it`;
  }
  // A name already passed the allow-list; a literal address must be on it itself.
  if (!name && policy.allowHosts.length > 0 && !listed(address, policy.allowHosts)) return `${address} is not in probes.allowHosts of keelson.yaml`;
  return undefined;
}
