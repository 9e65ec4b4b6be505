import { symmetricEigen } from './packages/linalg/src/index.js';
import { dampedGram } from './packages/bench/src/suites/linalg.js';
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
for (const n of [512, 1024]) {
  const a = dampedGram(n, 1000 + n);
  symmetricEigen(a, n); symmetricEigen(a, n);
  const c = [], w = [];
  for (let r = 0; r < 5; r++) { const t0 = cpu(), t1 = performance.now(); symmetricEigen(a, n); c.push(cpu() - t0); w.push(performance.now() - t1); }
  c.sort((x, y) => x - y); w.sort((x, y) => x - y);
  console.log(n, 'cpu median', c[2].toFixed(1), 'min', c[0].toFixed(1), '| wall median', w[2].toFixed(1), 'min', w[0].toFixed(1));
}
