/**
 * A progress bar for one training run, written to a stream (stderr by default):
 *   on a terminal, one line redrawn in place:
 *     AdamW     [##########----------]  300/600  loss 0.2134  8.1 steps/s
 *   elsewhere (a pipe, a CI log), plain lines at every tenth of the run and at the end.
 * steps/s is measured over training time only (the clock the run reports).
 */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export class ProgressBar {
  readonly #stream: ProgressStream;
  readonly #tty: boolean;
  #lastLine = -1;
  #drawnAt = 0;

  constructor(
    readonly label: string,
    readonly total: number,
    stream: ProgressStream = process.stderr,
  ) {
    this.#stream = stream;
    this.#tty = stream.isTTY === true;
  }

  /** The text for `step` of `total` (exported for plain lines and tests). */
  text(step: number, loss: number, seconds: number, width = 20): string {
    const filled = Math.round((width * step) / Math.max(1, this.total));
    const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
    const rate = seconds > 0 ? step / seconds : 0;
    const digits = String(this.total).length;
    return `${this.label.padEnd(24)} [${bar}] ${String(step).padStart(digits)}/${this.total}  loss ${loss.toFixed(4)}  ${rate.toFixed(1)} steps/s`;
  }

  /** Reports a finished step. */
  update(step: number, loss: number, seconds: number): void {
    if (this.#tty) {
      const now = Date.now();
      if (step !== this.total && now - this.#drawnAt < 100) return; // at most 10 redraws per second
      this.#drawnAt = now;
      this.#stream.write(`\r${this.text(step, loss, seconds)}\x1b[K`);
      return;
    }
    const tenth = Math.floor((10 * step) / this.total);
    if (tenth !== this.#lastLine) {
      this.#lastLine = tenth;
      this.#stream.write(`${this.text(step, loss, seconds)}\n`);
    }
  }

  /** Ends the bar (a newline on a terminal), with an optional note such as "stopped: diverged". */
  finish(note?: string): void {
    if (this.#tty) this.#stream.write(note ? `  ${note}\n` : '\n');
    else if (note) this.#stream.write(`${this.label}: ${note}\n`);
  }
}
