// A few Shampoo steps on a least-squares problem (X W = Y, W 8 x 4), used by every
// newcomer check (Node ESM, CommonJS, the browser bundle): the packages under test are
// passed in, so the same code runs however they were loaded.
//
//   losses[i] = mean((X W_i - Y)^2), W_{i+1} = W_i + update of chain(clip, shampoo + Adam grafting)
//
// Returns the losses and the live tensor counts before and after the steps (equal: no leak).
export function train({ tf, core, shampoo, grafting }, steps = 12) {
  const { chain, clipByGlobalNorm, disposeTree, initTrainState, step, valueAndGrad } = core;
  const x = tf.randomNormal([64, 8], 0, 1, 'float32', 1);
  const y = tf.tidy(() => tf.matMul(x, tf.randomNormal([8, 4], 0, 1, 'float32', 2)));
  const params = { w: tf.zeros([8, 4]) };
  const loss = (p) => tf.mean(tf.square(tf.sub(tf.matMul(x, p.w), y)));
  const opt = chain(
    clipByGlobalNorm(1),
    shampoo.shampoo({ learningRate: 0.1, betas: [0.9, 0.999], preconditionFrequency: 2, grafting: grafting.adamGrafting({ beta2: 0.999, epsilon: 1e-8 }) }),
  );
  let state = initTrainState(params, opt);
  const losses = [];
  let tensorsAfterFirst = 0;
  for (let i = 0; i < steps; i++) {
    const { loss: value, grads } = valueAndGrad(loss, state.params);
    const next = step(state, grads, opt);
    losses.push(value.dataSync()[0]);
    disposeTree([state, grads, value]);
    state = next;
    if (i === 0) tensorsAfterFirst = tf.memory().numTensors;
  }
  const tensorsAtEnd = tf.memory().numTensors;
  disposeTree([state, params, x, y]);
  return { backend: tf.getBackend(), losses, tensorsAfterFirst, tensorsAtEnd };
}

// What every check asserts about a run: finite losses falling at least fourfold, no tensor leak.
export function verdict(run) {
  const first = run.losses[0];
  const last = run.losses[run.losses.length - 1];
  const problems = [];
  if (!run.losses.every(Number.isFinite)) problems.push(`non-finite loss in ${run.losses.join(', ')}`);
  if (!(last < first / 4)) problems.push(`loss fell from ${first} to ${last}, less than fourfold`);
  if (run.tensorsAtEnd !== run.tensorsAfterFirst) problems.push(`tensors ${run.tensorsAfterFirst} after step 1 but ${run.tensorsAtEnd} at the end`);
  return { ok: problems.length === 0, detail: problems.length ? problems.join('; ') : `${run.backend}: loss ${first.toFixed(4)} -> ${last.toFixed(4)} in ${run.losses.length} steps, ${run.tensorsAtEnd} live tensors throughout` };
}
