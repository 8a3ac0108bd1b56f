/** A command the domain refuses: `code` is stable for machines, `message` is for people (Chinese). */
export class DomainError extends Error {
  constructor(
    readonly code:
      'invalid_command' | 'forbidden' | 'not_found' | 'closed' | 'wrong_state' | 'suspended' | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
