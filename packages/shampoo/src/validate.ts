/**
 * Shampoo's checks are core's one validation module (invalidParameter, checkWith: the
 * structured OptionError with owner, option, value and allowed); this file keeps the
 * import path of the modules that use them.
 */
export { checkWith, invalidParameter } from '@shampoo-ts/core';
