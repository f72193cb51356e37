// A command used wrongly (a missing or malformed argument): `fulfill` prints the message and exits 2, before anything
// is sent. Every other failure exits 1.
export class UsageError extends Error {
  override name = 'UsageError';
}
