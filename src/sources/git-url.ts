// What keelson.yaml's checks need to know of a Git URL, apart from running git (git-command.ts):
// the configuration is read by every command, which should not load child processes for it.

/** True when a URL carries `user:password@`: credentials go to git through its environment only. */
export function urlHasPassword(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(url.trim());
}
