import * as la from '@shampoo-ts/linalg';
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const mk = (n) => { const g = new Float64Array(n*n); for (let i=0;i<n*n;i++) g[i]=Math.sin(i*0.7)+Math.cos(i*1.3); const a=new Float64Array(n*n); for(let i=0;i<n;i++)for(let k=0;k<n;k++){const gik=g[i*n+k]; for(let j=0;j<n;j++) a[i*n+j]+=gik*g[j*n+k];} for(let i=0;i<n;i++)a[i*n+i]+=1; return a; };
for (const n of [512, 784]) {
  const a = mk(n);
  for (let r = 0; r < 3; r++) {
    let c = cpu(); const e = la.symmetricEigen(a, n); const te = cpu() - c;
    c = cpu(); const x = la.matrixPowerFromEigen(e, -0.25); const tp = cpu() - c;
    c = cpu(); const y = la.inverseRoot(a, n, { root: 4, epsilon: 1e-12, measureResidual: false }); const ti = cpu() - c;
    console.log(n, 'eigen', te.toFixed(0), 'power(congruence)', tp.toFixed(0), 'inverseRoot total', ti.toFixed(0), 'ms cpu');
  }
}
