/** An error the user can act on: `message` says what went wrong, `hint` says what to do next (both Chinese). */
export class SetupError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'SetupError';
  }
}
