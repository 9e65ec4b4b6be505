import { computeRoots } from '../dist/index.js';
const mk = (n, seed) => { const g = new Float64Array(n*n); let s=seed; for (let i=0;i<n*n;i++){ s=(s*1103515245+12345)%2147483648; g[i]=s/2147483648-0.5; } const a=new Float64Array(n*n); for(let i=0;i<n;i++)for(let k=0;k<n;k++){const gik=g[i*n+k]; for(let j=0;j<n;j++) a[i*n+j]+=gik*g[j*n+k];} return a; };
for (const n of [512, 784]) {
  const a = mk(n, 3);
  const task = { key: 'x#0/0', kind: 'inverse-root', n, packed: false, biasCorrection: 1, traceScalingExponent: 0, exponent: 0.25, epsilon: 1e-12, rankDeficiency: 'perturbation', method: 'eigen', qrSteps: 1, tolerance: 0, factor: a };
  for (let r=0;r<3;r++){ const c0=process.cpuUsage(); const t0=performance.now(); const o=computeRoots([task]); const c=process.cpuUsage(c0); console.log(n, o[0].status, (performance.now()-t0).toFixed(0),'ms wall', ((c.user+c.system)/1000).toFixed(0),'ms cpu'); }
}
