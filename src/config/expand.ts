// ${NAME} and ${NAME:-default} in keelson.yaml, expanded inside scalar values after parsing, so
// a value can never break the YAML around it. An unquoted scalar that was a reference becomes
// what its expansion reads as (`port: ${PORT:-8080}` is a number); a quoted one stays a string.
import { Scalar, parse, visit, type Document } from 'yaml';

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function expandText(text: string, env: Record<string, string | undefined>): string {
  return text.replace(REFERENCE, (_, name: string, fallback: string | undefined) => {
    const value = env[name];
    if (fallback !== undefined) return value === undefined || value === '' ? fallback : value;
    return value ?? '';
  });
}

export function expandEnvironment(doc: Document, env: Record<string, string | undefined>): void {
  visit(doc, {
    Scalar(key, node) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('${')) return;
      const expanded = expandText(node.value, env);
      if (node.type === Scalar.PLAIN) {
        const reread: unknown = expanded.trim() === '' ? null : safeScalar(expanded);
        node.value = reread;
      } else node.value = expanded;
    },
  });
}

/** The value a plain scalar with this text would have; the text itself if it is not one scalar. */
function safeScalar(text: string): unknown {
  try {
    const value: unknown = parse(text);
    return value === null || ['string', 'number', 'boolean'].includes(typeof value) ? value : text;
  } catch {
    return text;
  }
}


