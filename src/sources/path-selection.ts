// Which files of a repository hold Releases: a folder (every *.yaml / *.yml under it) or a
// glob (`apps/*/release.yaml`, `releases/**/*.yml`): `*` and `?` stay within one folder, `**`
// spans folders.

const GLOB_CHARS = /[*?[]/;

export function isGlob(path: string): boolean {
  return GLOB_CHARS.test(path);
}

export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** A predicate over repository paths (with `/`, no leading `./`). */
export function selectManifestPaths(selection: string | undefined): (path: string) => boolean {
  const cleaned = (selection ?? '').replace(/^\.\//, '').replace(/^\/+/, '').replace(/\/+$/, '');
  const hidden = (p: string): boolean => p.split('/').some((part) => part.startsWith('.'));
  const manifest = (p: string): boolean => p.endsWith('.yaml') || p.endsWith('.yml');
  if (isGlob(cleaned)) {
    const re = globToRegExp(cleaned);
    return (p) => re.test(p) && manifest(p) && !hidden(p);
  }
  if (cleaned === '' || cleaned === '.') return (p) => manifest(p) && !hidden(p);
  // A plain path is a folder, or one file.
  return (p) => (p === cleaned || p.startsWith(`${cleaned}/`)) && manifest(p) && !hidden(p.slice(cleaned.length));
}
