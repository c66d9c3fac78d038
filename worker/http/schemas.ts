// Valibot building blocks shared by the route schemas.
import * as v from 'valibot';

export const Id = (prefix: string) => v.pipe(v.string(), v.regex(new RegExp(`^${prefix}_[0-9A-Za-z]{10,40}$`), `must be a ${prefix}_… id`));
export const Email = v.pipe(v.string(), v.trim(), v.toLowerCase(), v.email('must be an e-mail address'), v.maxLength(254));
export const Name = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(200));
export const Password = v.pipe(v.string(), v.minLength(8, 'must be at least 8 characters'), v.maxLength(200));
export const TagName = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(50));
export const Limit = v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(200)));
export const Cursor = v.optional(v.pipe(v.string(), v.maxLength(500)));
export const IdParam = v.object({ id: v.pipe(v.string(), v.maxLength(100)) });

/** A point in time as epoch milliseconds, within what every timer API accepts (Durable Object alarms stop at 2189). */
export const Timestamp = v.pipe(v.number(), v.integer('must be epoch milliseconds'), v.minValue(0, 'must be epoch milliseconds'), v.maxValue(Date.UTC(2100, 0, 1), 'must be before 2100'));
