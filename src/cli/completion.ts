// Shell completion scripts, generated from the command tree itself so they never fall behind
// the commands and flags keelson has.
import type { Command, Option } from 'commander';

export const COMPLETION_SHELLS = ['bash', 'zsh'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

interface CommandWords {
  name: string;
  flags: string[];
}

function flagsOf(options: readonly Option[]): string[] {
  return options.filter((o) => !o.hidden).flatMap((o) => [o.short, o.long].filter((f): f is string => !!f));
}

function wordsOf(program: Command): { commands: CommandWords[]; global: string[] } {
  const commands = program.commands
    .filter((c) => !(c as Command & { _hidden?: boolean })._hidden)
    .map((c) => ({ name: c.name(), flags: [...flagsOf(c.options), '--help'] }));
  return { commands, global: [...flagsOf(program.options), '--help'] };
}

/** A shell word list, quoted for a shell script. */
const list = (words: readonly string[]): string => words.join(' ');

function bash(program: Command): string {
  const { commands, global } = wordsOf(program);
  const cases = commands.map((c) => `    ${c.name}) words="${list(c.flags)}" ;;`).join('\n');
  return `# keelson completion for bash. Load it with:  source <(keelson completion bash)
_keelson() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" command="" words i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -*) ;; *) command="\${COMP_WORDS[i]}"; break ;; esac
  done
  case "$command" in
    "") words="${list([...commands.map((c) => c.name), ...global])}" ;;
${cases}
    *) words="" ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
  [[ \${#COMPREPLY[@]} -eq 0 ]] && COMPREPLY=($(compgen -f -- "$cur"))
  return 0
}
complete -F _keelson keelson
`;
}

function zsh(program: Command): string {
  // zsh runs bash completion functions through bashcompinit: one script to keep right.
  return `#compdef keelson
# keelson completion for zsh. Load it with:  source <(keelson completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bash(program).replace(/^# .*\n/, '')}`;
}

export function completionScript(program: Command, shell: CompletionShell): string {
  return shell === 'bash' ? bash(program) : zsh(program);
}
