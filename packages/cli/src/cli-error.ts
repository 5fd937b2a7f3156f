/** A mistake in the command line itself: usage on stderr, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
