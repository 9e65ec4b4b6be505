/**
 * The structured error of a rejected option: which transform (`owner`), which option
 * (`option`, a path such as 'betas[1]' or 'preconditioner.method'), the value received and
 * what is allowed. The message reads
 *   "<owner>: <option> = <value> is not allowed; allowed: <allowed>"
 * unless a check words it otherwise; programs should read the fields, not the wording.
 * A wrong value is an OptionError (a RangeError), a wrong type or an unknown key an
 * OptionTypeError (a TypeError): the built-in classes each check threw before, kept.
 */

/** The fields every option error carries. */
export interface OptionProblem {
  readonly owner: string;
  readonly option: string;
  readonly value: unknown;
  readonly allowed: string;
}

/** The standard wording, unless a check words it otherwise. */
function wording(problem: OptionProblem, shown: string, message: string | undefined): string {
  return message ?? `${problem.owner}: ${problem.option} = ${shown} is not allowed; allowed: ${problem.allowed}`;
}

/** Copies the fields onto the error (own, enumerable: they show in a test's diff). */
function carry(error: Error, name: string, { owner, option, value, allowed }: OptionProblem): void {
  error.name = name;
  Object.assign(error, { owner, option, value, allowed });
}

/** A rejected option value: a RangeError with the fields of OptionProblem. */
export interface OptionError extends OptionProblem {}
export class OptionError extends RangeError {
  /** `shown` is the value as the message prints it; `message` replaces the standard wording. */
  constructor(problem: OptionProblem, shown: string, message?: string) {
    super(wording(problem, shown, message));
    carry(this, 'OptionError', problem);
  }
}

/** A rejected option type or key: a TypeError with the fields of OptionProblem. */
export interface OptionTypeError extends OptionProblem {}
export class OptionTypeError extends TypeError {
  /** As OptionError's. */
  constructor(problem: OptionProblem, shown: string, message?: string) {
    super(wording(problem, shown, message));
    carry(this, 'OptionTypeError', problem);
  }
}

/** True for an OptionError or an OptionTypeError. */
export function isOptionError(e: unknown): e is OptionError | OptionTypeError {
  return e instanceof OptionError || e instanceof OptionTypeError;
}
