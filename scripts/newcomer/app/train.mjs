// A few Shampoo steps on a least-squares problem (X W = Y, W 8 x 4), used by every
// newcomer check (Node ESM, CommonJS, the browser bundle): the packages under test are
// passed in, so the same code runs however they were loaded.
//
//   losses[i] = mean((X W_i - Y)^2), W_{i+1} = W_i + update of chain(clip, shampoo + Adam grafting)
//
// epsilon 1e-4, not the default 1e-12: the left factor G G^T (8 x 8, rank <= 4) is singular,
// and webgpu's float32 device roots of it are NaN with an epsilon below float32's
// resolution (issue #17); this test is about packaging, so it uses an epsilon float32 resolves.
//
// Resolves to the losses and the live tensor count after each step.
export async function train({ tf, core, shampoo, grafting }, steps = 12) {
  const { chain, clipByGlobalNorm, disposeTree, initTrainState, step, valueAndGrad } = core;
  const x = tf.randomNormal([64, 8], 0, 1, 'float32', 1);
  const y = tf.tidy(() => tf.matMul(x, tf.randomNormal([8, 4], 0, 1, 'float32', 2)));
  const params = { w: tf.zeros([8, 4]) };
  const loss = (p) => tf.mean(tf.square(tf.sub(tf.matMul(x, p.w), y)));
  const opt = chain(
    clipByGlobalNorm(1),
    shampoo.shampoo({ learningRate: 0.1, betas: [0.9, 0.999], epsilon: 1e-4, preconditionFrequency: 2, grafting: grafting.adamGrafting({ beta2: 0.999, epsilon: 1e-8 }) }),
  );
  let state = initTrainState(params, opt);
  const losses = [];
  const counts = [];
  for (let i = 0; i < steps; i++) {
    const { loss: value, grads } = valueAndGrad(loss, state.params);
    const next = step(state, grads, opt);
    losses.push((await value.data())[0]); // async: webgpu has no cheap synchronous read
    disposeTree([state, grads, value]);
    state = next;
    counts.push(tf.memory().numTensors);
  }
  disposeTree([state, params, x, y]);
  return { backend: tf.getBackend(), losses, counts };
}

// What every check asserts about a run: finite losses falling at least fourfold, no tensor
// leak (see below).
export function verdict(run) {
  const first = run.losses[0];
  const last = run.losses[run.losses.length - 1];
  const problems = [];
  if (!run.losses.every(Number.isFinite)) problems.push(`non-finite loss in ${run.losses.join(', ')}`);
  if (!(last < first / 4)) problems.push(`loss fell from ${first} to ${last}, less than fourfold`);
  // From step 5 on, the count repeats with the root refresh period (2): a device executor
  // holds a root in flight between a refresh and the next step. A leak breaks the period.
  if (run.counts.some((n, i) => i >= 4 && n !== run.counts[i - 2])) problems.push(`live tensors grow: ${run.counts.join(', ')}`);
  return { ok: problems.length === 0, detail: problems.length ? problems.join('; ') : `${run.backend}: loss ${first.toFixed(4)} -> ${last.toFixed(4)} in ${run.losses.length} steps, live tensors after the last steps ${run.counts.slice(-4).join(', ')}` };
}
