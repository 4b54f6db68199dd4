/** An error whose message is written for the person who caused it (safe to show as is). */
export class UserError extends Error {
  constructor(message: string) {
    super(message)
    this.name = new.target.name
  }
}
