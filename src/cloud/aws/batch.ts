// Small helpers for APIs that take a bounded number of items per request.

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Like Promise.all over `items`, with at most `limit` calls in flight; results keep item order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The name at the end of an ARN (`…:cluster/prod` → `prod`), or the value itself. */
export function lastSegment(nameOrArn: string): string {
  const slash = nameOrArn.lastIndexOf('/');
  return slash === -1 ? nameOrArn : nameOrArn.slice(slash + 1);
}

/** Epoch milliseconds of an SDK date, if there is one. */
export function epochMs(date: Date | undefined): number | undefined {
  return date === undefined ? undefined : date.getTime();
}

/** Application Auto Scaling's ResourceId of an ECS service: `service/CLUSTER/SERVICE`, by name. */
export function resourceIdOf(cluster: string, service: string): string {
  return `service/${lastSegment(cluster)}/${lastSegment(service)}`;
}
