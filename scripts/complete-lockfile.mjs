// The registry reachable from our build machines serves only linux-x64 builds of packages with
// per-platform optional dependencies (rollup, esbuild…), so `npm install` leaves the others out
// of package-lock.json and `npm ci` then refuses the lock as out of sync. This records each
// missing optional dependency as an optional entry for a platform npm will skip on install.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${path ? `${path}/` : ''}node_modules/${name}`;
    if (packages[nested] || packages[`node_modules/${name}`]) continue;
    const version = String(range).replace(/^[\^~=]/, '');
    const platform = platformOf(name);
    packages[`node_modules/${name}`] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...(platform.os ? { os: [platform.os] } : {}),
      ...(platform.cpu ? { cpu: [platform.cpu] } : {}),
    };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} optional platform entries recorded`);

/** `@rollup/rollup-darwin-arm64` → {os: darwin, cpu: arm64}, from the name as these packages spell it. */
function platformOf(name) {
  const oses = ['android', 'darwin', 'freebsd', 'linux', 'openbsd', 'netbsd', 'sunos', 'win32', 'aix', 'openharmony'];
  const cpus = ['arm64', 'arm', 'x64', 'ia32', 'loong64', 'ppc64', 'riscv64', 's390x', 'mips64el', 'wasm32'];
  const parts = name.split('/').pop().split('-');
  return { os: oses.find((o) => parts.includes(o)), cpu: cpus.find((c) => parts.includes(c)) };
}
