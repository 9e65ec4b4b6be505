#!/usr/bin/env node
// Times the two algorithms of the rank-ordered allReduce (rank-ordered-reduce.ts) on the
// same vectors, alternating them, on MPI ranks or worker-thread ranks, and checks that
// both give the same bits. Needs `npm run build` first.
//
//   mpirun -np 4 --oversubscribe --allow-run-as-root node packages/distributed/scripts/allreduce-speed.mjs [--floats N] [--reps N]
//   node packages/distributed/scripts/allreduce-speed.mjs --threads 3 [--floats N] [--reps N]
import { isMainThread } from 'node:worker_threads';
import { allReduceInRankOrder, mpiCommunicator, runThreadRanks } from '@shampoo-ts/distributed';

const ALGORITHMS = ['all-gather', 'reduce-scatter'];

/** One rank's part: median times of both algorithms, and whether they agreed bit for bit. */
export function measureRank(comm, { floats, reps }) {
  const x = new Float32Array(floats).map((_, i) => Math.sin(1 + 7 * comm.rank + i));
  const run = (algorithm) => allReduceInRankOrder(comm, x, 'mean', algorithm, 'allreduce-speed');
  const [a, b] = ALGORITHMS.map(run);
  const same = a.every((v, i) => Object.is(v, b[i]));
  const times = Object.fromEntries(ALGORITHMS.map((k) => [k, []]));
  for (let r = 0; r < reps; r++) {
    for (const algorithm of r % 2 === 0 ? ALGORITHMS : [...ALGORITHMS].reverse()) {
      comm.barrier();
      const t = performance.now();
      run(algorithm);
      times[algorithm].push(performance.now() - t);
    }
  }
  const median = (v) => [...v].sort((p, q) => p - q)[v.length >> 1];
  return { same, medians: ALGORITHMS.map((k) => median(times[k])) };
}

function report(kind, size, results, floats, reps) {
  console.log(`${size} ${kind} ranks, ${floats} floats (${((floats * 4) / 2 ** 20).toFixed(2)} MiB), ${reps} reps, median ms on the slowest rank`);
  ALGORITHMS.forEach((k, i) => console.log(`  ${k.padEnd(15)} ${Math.max(...results.map((r) => r.medians[i])).toFixed(2)} ms`));
  console.log(`  bitwise equal on every rank: ${results.every((r) => r.same)}`);
}

if (isMainThread) {
  const flag = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i < 0 ? fallback : Number(process.argv[i + 1]);
  };
  const input = { floats: flag('floats', 1 << 20), reps: flag('reps', 20) };
  const threads = flag('threads', 0);
  if (threads > 0) {
    const results = await runThreadRanks(threads, import.meta.url, 'measureRank', input);
    report('thread', threads, results, input.floats, input.reps);
  } else {
    const comm = mpiCommunicator();
    const mine = measureRank(comm, input);
    const all = comm.allGather(new TextEncoder().encode(JSON.stringify(mine))).map((b) => JSON.parse(new TextDecoder().decode(b)));
    if (comm.rank === 0) report('MPI', comm.size, all, input.floats, input.reps);
    comm.close();
  }
}
