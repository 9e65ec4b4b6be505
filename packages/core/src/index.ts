export * from './tree.js';
export * from './transform.js';
