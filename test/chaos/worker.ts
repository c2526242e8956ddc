// A worker thread of `npm run chaos`: runs the seeds it is sent, one at a time, and posts each result.
import { parentPort } from 'node:worker_threads';
import { runTrial } from './trial.js';

if (!parentPort) throw new Error('test/chaos/worker.ts runs as a worker thread');
const port = parentPort;
port.on('message', (message: { seed: number } | { done: true }) => {
  if ('done' in message) {
    port.close();
    return;
  }
  runTrial(message.seed).then(
    (result) => port.postMessage({ result }),
    (err: unknown) => port.postMessage({ seed: message.seed, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
});
