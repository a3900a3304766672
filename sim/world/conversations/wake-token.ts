/**
 * Wake tokens of the messaging and group models: what a model asks the engine to wake it
 * for, packed into one integer `index·8 + action` (the engine carries an integer). The
 * index is a user, a conversation, a composing slot or a message, depending on the action.
 *
 * @example
 * const t = wakeToken("messaging", 12, SEND); // 98
 * tokenAction(t) // => SEND; tokenIndex(t) // => 12
 */

/** A conversation (or the user's next one) starts. */
export const START = 0;
/** A typing indicator is due. */
export const TYPING = 1;
/** A composed message is sent. */
export const SEND = 2;
/** A delivered message is read. */
export const READ = 3;

/** Tokens are index·8 + action and must stay below 2^31. */
const MAX_INDEX = 2 ** 28;

/** The token waking `model` for `action` on `index`; throws when the index leaves the token range. */
export function wakeToken(model: string, index: number, action: number): number {
  if (index >= MAX_INDEX) throw new RangeError(`${model}: index ${index} exceeds the wake-token range (2^28)`);
  return index * 8 + action;
}

export function tokenAction(token: number): number {
  return token & 7;
}

export function tokenIndex(token: number): number {
  return token >>> 3;
}
