/**
 * The one error type for bad input. Its message names the file (when there is one) and the problem,
 * on one line, so the CLI can print it as is and the API can return it to the user.
 */
export class InputError extends Error {
  override readonly name = "InputError";
  constructor(
    readonly problem: string,
    readonly file?: string,
  ) {
    super(file ? `${file}: ${problem}` : problem);
  }
}
