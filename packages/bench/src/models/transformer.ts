/**
 * A decoder-only character transformer (GPT-style, pre-LayerNorm), written with tfjs ops
 * as a pure function of a parameter tree keyed by path:
 *   h_0 = onehot(x) E_tok + E_pos                         E_tok: [vocab, d], E_pos: [T, d]
 *   per block l:
 *     a   = LN(h) ;  Q, K, V = a W_q, a W_k, a W_v        (or one fused a W_qkv, split in 3)
 *     per head j (d_h = d / heads): A_j = softmax(Q_j K_j^T / sqrt(d_h) + M) V_j,
 *       M_st = 0 for t <= s, -1e9 otherwise (causal)
 *     h  += concat_j(A_j) W_o
 *     h  += GELU(LN(h) W_1 + b_1) W_2 + b_2               W_1: [d, 4d], W_2: [4d, d]
 *   logits = LN(h) W_out + b_out                          [b T, vocab] (next character at every position)
 * LN(x) = g (x - mean) / sqrt(var + 1e-5) + b over the features; GELU is the tanh form
 * 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). No biases in the attention projections.
 * Forward FLOPs per sequence: 2 T (vocab d + layers (4 d^2 + 8 d^2) + d vocab) + layers 4 T^2 d
 * (the T^2 term counts the full score matrix; the mask does not save work).
 */
import * as tf from '@tensorflow/tfjs';
import type { Model, Params } from './model.js';

export interface TransformerConfig {
  readonly vocab: number;
  /** Context length T. */
  readonly context: number;
  readonly layers: number;
  /** Width d (a multiple of heads). */
  readonly dModel: number;
  readonly heads: number;
  /** One [d, 3d] QKV matrix per block instead of three [d, d] ones. */
  readonly fusedQkv: boolean;
}

function checkConfig(c: TransformerConfig): void {
  for (const key of ['vocab', 'context', 'layers', 'dModel', 'heads'] as const) {
    if (!(Number.isInteger(c[key]) && c[key] >= 1)) throw new RangeError(`transformer: ${key} = ${c[key]} is not allowed; allowed: a positive integer`);
  }
  if (c.dModel % c.heads !== 0) throw new RangeError(`transformer: dModel = ${c.dModel} is not allowed; allowed: a multiple of heads (${c.heads})`);
}

/** LN(x) = g (x - mean) / sqrt(var + 1e-5) + b over the last axis. */
export function layerNorm(x: tf.Tensor2D, gain: tf.Tensor, bias: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, 1, true);
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), gain), bias) as tf.Tensor2D;
  });
}

/** GELU, tanh form: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))))))));
}

/** The additive causal mask M: [T, T], 0 on and below the diagonal, -1e9 above. */
export function causalMask(t: number): tf.Tensor2D {
  return tf.tidy(() => tf.mul(tf.sub(tf.linalg.bandPart(tf.ones([t, t]), -1, 0), 1), 1e9) as tf.Tensor2D);
}

export function transformer(c: TransformerConfig): Model {
  checkConfig(c);
  const { vocab: V, context: T, layers: L, dModel: d, heads: H } = c;
  const dh = d / H;
  const shapes: { [layer: string]: { [name: string]: number[] } } = { embed: { token: [V, d], position: [T, d] } };
  for (let l = 0; l < L; l++) {
    shapes[`block${l}/norm1`] = { gain: [d], bias: [d] };
    shapes[`block${l}/attention`] = c.fusedQkv ? { qkv: [d, 3 * d], output: [d, d] } : { query: [d, d], key: [d, d], value: [d, d], output: [d, d] };
    shapes[`block${l}/norm2`] = { gain: [d], bias: [d] };
    shapes[`block${l}/mlpUp`] = { kernel: [d, 4 * d], bias: [4 * d] };
    shapes[`block${l}/mlpDown`] = { kernel: [4 * d, d], bias: [d] };
  }
  shapes.norm = { gain: [d], bias: [d] };
  shapes.out = { kernel: [d, V], bias: [V] };
  const heads = (x: tf.Tensor2D, b: number): tf.Tensor3D => tf.reshape(tf.transpose(tf.reshape(x, [b, T, H, dh]), [0, 2, 1, 3]), [b * H, T, dh]);
  return {
    name: `transformer-${L}x${d}-h${H}-t${T}${c.fusedQkv ? '-qkv' : ''}`,
    description: `char transformer: ${L} pre-LN blocks, d ${d}, ${H} heads, context ${T}, GELU MLP ${4 * d}, ${c.fusedQkv ? 'fused QKV' : 'separate Q, K, V, O'}`,
    shapes,
    forwardFlopsPerExample: 2 * T * (V * d + L * 12 * d * d + d * V) + L * 4 * T * T * d,
    // Muon's recipe: embeddings and the read-out go to AdamW, the blocks' matrices to Newton-Schulz.
    hiddenMatrix: (path) => path.startsWith('block') && !path.includes('/norm') && !path.endsWith('bias'),
    logits(p: Params, x: tf.Tensor): tf.Tensor2D {
      return tf.tidy(() => {
        const b = x.shape[0];
        if (x.shape[1] !== T) throw new RangeError(`transformer: input length ${x.shape[1]} is not allowed; allowed: the context ${T}`);
        const tokens = tf.matMul(tf.reshape(x, [b * T, V]) as tf.Tensor2D, p.embed.token as tf.Tensor2D);
        let h = tf.reshape(tf.add(tf.reshape(tokens, [b, T, d]), p.embed.position), [b * T, d]) as tf.Tensor2D;
        const mask = causalMask(T);
        for (let l = 0; l < L; l++) {
          const at = p[`block${l}/attention`];
          const n1 = p[`block${l}/norm1`];
          const a = layerNorm(h, n1.gain, n1.bias);
          const [q, k, v] = (c.fusedQkv
            ? tf.split(tf.matMul(a, at.qkv as tf.Tensor2D), 3, 1)
            : [tf.matMul(a, at.query as tf.Tensor2D), tf.matMul(a, at.key as tf.Tensor2D), tf.matMul(a, at.value as tf.Tensor2D)]) as tf.Tensor2D[];
          const scores = tf.add(tf.mul(tf.matMul(heads(q, b), heads(k, b), false, true), 1 / Math.sqrt(dh)), mask);
          const mixed = tf.matMul(tf.softmax(scores), heads(v, b)); // [b H, T, dh]
          const merged = tf.reshape(tf.transpose(tf.reshape(mixed, [b, H, T, dh]), [0, 2, 1, 3]), [b * T, d]) as tf.Tensor2D;
          h = tf.add(h, tf.matMul(merged, at.output as tf.Tensor2D));
          const n2 = p[`block${l}/norm2`];
          const up = p[`block${l}/mlpUp`];
          const down = p[`block${l}/mlpDown`];
          const m = gelu(tf.add(tf.matMul(layerNorm(h, n2.gain, n2.bias), up.kernel as tf.Tensor2D), up.bias)) as tf.Tensor2D;
          h = tf.add(h, tf.add(tf.matMul(m, down.kernel as tf.Tensor2D), down.bias));
        }
        return tf.add(tf.matMul(layerNorm(h, p.norm.gain, p.norm.bias), p.out.kernel as tf.Tensor2D), p.out.bias) as tf.Tensor2D;
      });
    },
  };
}
