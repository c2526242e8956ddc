// The chaos trials' summary in bench/results.md. The trials take minutes, so `npm run chaos`
// runs them and writes bench/chaos.md; this section carries that file's figures and says so.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const SUMMARY = fileURLToPath(new URL('./chaos.md', import.meta.url));

export async function bench(): Promise<{ title: string; markdown: string }> {
  const title = 'Chaos trials';
  try {
    const text = await readFile(SUMMARY, 'utf8');
    // chaos.md starts with its own heading; this section has one already.
    const body = text.replace(/^## Chaos trials\s*\n/, '').trim();
    return { title, markdown: `${body}\n\n_From bench/chaos.md, written by the last \`npm run chaos\` (the command above), not by this bench run._` };
  } catch {
    return { title, markdown: '_Not run: bench/chaos.md is missing; `npm run chaos` writes it._' };
  }
}
