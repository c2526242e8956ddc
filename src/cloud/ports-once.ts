// Wrapped ports built once per region and handed to every pass, rather than built again on each
// provider() call: a resync of thousands of Releases asks for ports thousands of times a period.
// Built again only when the provider below hands out other ports for the region than before
// (a wrapper that chooses its ports per call keeps working, it just is not cached).
import type { CloudPorts, CloudProvider } from './ports.js';

export function wrapOncePerRegion(provider: CloudProvider, wrap: (ports: CloudPorts, region: string | undefined) => CloudPorts): CloudProvider {
  const built = new Map<string | undefined, { from: CloudPorts; ports: CloudPorts }>();
  return (region) => {
    const from = provider(region);
    const known = built.get(region);
    if (known?.from === from) return known.ports;
    const ports = wrap(from, region);
    built.set(region, { from, ports });
    return ports;
  };
}
