// Valibot schemas for /api/audiences. The filter grammar is checked by parseFilter (worker/audiences/
// filter.ts), which names the bad node by JSON pointer; here it becomes a valibot issue with the same
// path, so the problem+json names `filter.any.1.op` (and the pointer `/filter/any/1/op` in the message).
import * as v from 'valibot';
import { FilterError, parseFilter, type Filter } from './filter';

export function filterSchema(key: string) {
  return v.pipe(
    v.looseObject({}, 'must be an object: {all}, {any}, {not} or {field, op, value}'),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      try {
        return parseFilter(dataset.value) as Filter;
      } catch (e) {
        if (!(e instanceof FilterError)) throw e;
        const keys = e.pointer.split('/').filter(Boolean);
        const path = keys.map((k) => ({ type: 'object', origin: 'value', input: dataset.value, key: k, value: undefined })) as unknown as [v.IssuePathItem, ...v.IssuePathItem[]];
        addIssue({ message: `${e.message} (at /${[key, ...keys].join('/')})`, ...(keys.length ? { path } : {}) });
        return NEVER;
      }
    }),
  );
}

export const FilterBody = filterSchema('filter');
export const AudienceName = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(120));
export const PreviewBody = v.object({ filter: FilterBody });
export const CreateBody = v.object({ name: AudienceName, filter: FilterBody });
export const PatchBody = v.pipe(
  v.object({ name: v.optional(AudienceName), filter: v.optional(FilterBody) }),
  v.check((b) => b.name !== undefined || b.filter !== undefined, 'the body must change name or filter'),
);
export const PageQuery = v.object({
  cursor: v.optional(v.pipe(v.string(), v.maxLength(500))),
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(1000))),
});
