/**
 * The keys under which the optimizer keeps each variable's state.
 *
 * tfjs registers variables under unique names: a tfjs-layers model loaded in a process
 * that still holds the original gets 'dense_Dense1/kernel_1' for 'dense_Dense1/kernel'
 * (tfjs appends `_N`; the layer weight's `originalName` stays 'dense_Dense1/kernel', and
 * model.save stores weights under that name). The state is keyed by the variable name
 * without that suffix, so a saved optimizer finds its state again wherever the model
 * is reloaded, and never by position, so the order of variables is irrelevant:
 *
 *   key(name) = name with a trailing `_<digits>` removed, if the keys of all variables
 *               stay distinct; otherwise the full names are used.
 */

/** `name` without tfjs's uniqueness suffix `_<digits>`. */
export function baseName(name: string): string {
  return name.replace(/_\d+$/, '');
}

/** The map from variable name to state key described above. */
export function stateKeys(names: readonly string[]): Map<string, string> {
  const bases = names.map(baseName);
  const distinct = new Set(bases).size === names.length;
  return new Map(names.map((n, i) => [n, distinct ? bases[i] : n]));
}
