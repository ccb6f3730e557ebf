/** A refusal the user should read as is (unknown item, a path that was not chosen...). */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
}
