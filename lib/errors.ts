/**
 * Errors a user can act on: bad input of any kind (flags, configs, files, arguments). Library code throws them
 * with one line that names the thing, the bad value and what is allowed. The command line (lib/cli) prints the
 * message as one line, without a stack trace unless --debug, and maps it to its exit code for bad input.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}
