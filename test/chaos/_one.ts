import { runTrial } from './trial.js';
const seed = Number(process.argv[2] ?? 1);
const r = await runTrial(seed, { log: process.argv[3] ? (l) => console.log(l) : undefined });
console.log(JSON.stringify(r, null, 1));
