export * from './strategy.js';
export * from './diagonal.js';
export * from './strategies.js';
export * from './scale-by-grafting.js';
