export * from './assignment/cost-model.js';
export * from './assignment/assign-blocks.js';
export * from './comm/communicator.js';
export * from './comm/single-process.js';
export { threadCommunicator } from './comm/thread-communicator.js';
export { GroupAbortedError, type ThreadGroupMemory } from './comm/thread-group-memory.js';
export * from './comm/thread-ranks.js';
